namespace Mycnet.Networking.Interop.Tests.Support;

/// <summary>Hex helpers for test vectors written as in the RFCs ("8286 8441", spaces ignored).</summary>
internal static class Hex
{
    public static byte[] Parse(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
