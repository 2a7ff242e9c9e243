using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Mycnet.Networking.Quic.Core.Crypto;

/// <summary>
/// HKDF-Expand-Label and Derive-Secret of TLS 1.3 (RFC 9846 §7.1), used both by the TLS key
/// schedule and by QUIC's packet protection keys (RFC 9001 §5.1), over the BCL's <see cref="HKDF"/>.
/// </summary>
internal static class HkdfLabel
{
    private const int MaxInfoLength = 2 + 1 + 255 + 1 + 255;
    private static readonly byte[] Prefix = "tls13 "u8.ToArray();

    /// <summary>HKDF-Expand-Label(Secret, Label, Context, Length), writing <c>output.Length</c> bytes.</summary>
    public static void Expand(HashAlgorithmName hash, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, Span<byte> output)
    {
        int labelLength = Prefix.Length + label.Length;
        if (labelLength > 255 || context.Length > 255 || output.Length > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(label), "HKDF label, context or output length out of range.");
        }

        Span<byte> info = stackalloc byte[MaxInfoLength];
        BinaryPrimitives.WriteUInt16BigEndian(info, (ushort)output.Length);
        info[2] = (byte)labelLength;
        Prefix.CopyTo(info[3..]);
        label.CopyTo(info[(3 + Prefix.Length)..]);
        int position = 3 + labelLength;
        info[position++] = (byte)context.Length;
        context.CopyTo(info[position..]);
        position += context.Length;
        HKDF.Expand(hash, secret, output, info[..position]);
    }

    /// <summary>HKDF-Expand-Label with a string label, returning a new array.</summary>
    public static byte[] Expand(HashAlgorithmName hash, ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context, int length)
    {
        var output = new byte[length];
        Span<byte> labelBytes = stackalloc byte[Encoding.ASCII.GetByteCount(label)];
        Encoding.ASCII.GetBytes(label, labelBytes);
        Expand(hash, secret, labelBytes, context, output);
        return output;
    }

    /// <summary>Derive-Secret(Secret, Label, Messages) with the transcript hash already computed.</summary>
    public static byte[] DeriveSecret(HashAlgorithmName hash, ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> transcriptHash) =>
        Expand(hash, secret, label, transcriptHash, transcriptHash.Length);
}
