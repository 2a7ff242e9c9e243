namespace Mycnet.Networking.Quic.Core.Tests.Crypto;

/// <summary>Hex strings as the RFCs print them (with spaces and line breaks).</summary>
internal static class Hex
{
    public static byte[] Parse(string text)
    {
        var compact = new System.Text.StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                compact.Append(c);
            }
        }

        return Convert.FromHexString(compact.ToString());
    }

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
