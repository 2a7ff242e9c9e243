using System.Buffers.Binary;
using System.Numerics;

namespace Mycnet.Networking.Quic.Core.Crypto;

/// <summary>
/// The raw ChaCha20 block function (RFC 8439 §2.3), which QUIC's ChaCha20 header protection
/// needs (RFC 9001 §5.4.4) and the BCL does not expose: it only offers the ChaCha20-Poly1305
/// AEAD. The state is kept in sixteen locals, so a block costs no allocation; the quarter round
/// is RFC 8439 §2.1 and the state layout (constants, key, counter, nonce) is §2.3.
/// </summary>
internal static class ChaCha20
{
    /// <summary>The key length in bytes.</summary>
    public const int KeyLength = 32;

    /// <summary>The nonce length in bytes.</summary>
    public const int NonceLength = 12;

    /// <summary>The block (key stream) length in bytes.</summary>
    public const int BlockLength = 64;

    // "expand 32-byte k" as four little-endian words (RFC 8439 §2.3).
    private const uint Sigma0 = 0x61707865;
    private const uint Sigma1 = 0x3320646e;
    private const uint Sigma2 = 0x79622d32;
    private const uint Sigma3 = 0x6b206574;

    /// <summary>Computes the 64-byte key stream block for (key, counter, nonce) into <paramref name="output"/>.</summary>
    public static void Block(ReadOnlySpan<byte> key, uint counter, ReadOnlySpan<byte> nonce, Span<byte> output)
    {
        if (key.Length != KeyLength)
        {
            throw new ArgumentException("A ChaCha20 key has 32 bytes.", nameof(key));
        }

        if (nonce.Length != NonceLength)
        {
            throw new ArgumentException("A ChaCha20 nonce has 12 bytes.", nameof(nonce));
        }

        if (output.Length < BlockLength)
        {
            throw new ArgumentException("A ChaCha20 block has 64 bytes.", nameof(output));
        }

        uint k0 = BinaryPrimitives.ReadUInt32LittleEndian(key);
        uint k1 = BinaryPrimitives.ReadUInt32LittleEndian(key[4..]);
        uint k2 = BinaryPrimitives.ReadUInt32LittleEndian(key[8..]);
        uint k3 = BinaryPrimitives.ReadUInt32LittleEndian(key[12..]);
        uint k4 = BinaryPrimitives.ReadUInt32LittleEndian(key[16..]);
        uint k5 = BinaryPrimitives.ReadUInt32LittleEndian(key[20..]);
        uint k6 = BinaryPrimitives.ReadUInt32LittleEndian(key[24..]);
        uint k7 = BinaryPrimitives.ReadUInt32LittleEndian(key[28..]);
        uint n0 = BinaryPrimitives.ReadUInt32LittleEndian(nonce);
        uint n1 = BinaryPrimitives.ReadUInt32LittleEndian(nonce[4..]);
        uint n2 = BinaryPrimitives.ReadUInt32LittleEndian(nonce[8..]);

        uint x0 = Sigma0, x1 = Sigma1, x2 = Sigma2, x3 = Sigma3;
        uint x4 = k0, x5 = k1, x6 = k2, x7 = k3;
        uint x8 = k4, x9 = k5, x10 = k6, x11 = k7;
        uint x12 = counter, x13 = n0, x14 = n1, x15 = n2;

        // 20 rounds: 10 iterations of a column round and a diagonal round (RFC 8439 §2.3).
        for (int i = 0; i < 10; i++)
        {
            QuarterRound(ref x0, ref x4, ref x8, ref x12);
            QuarterRound(ref x1, ref x5, ref x9, ref x13);
            QuarterRound(ref x2, ref x6, ref x10, ref x14);
            QuarterRound(ref x3, ref x7, ref x11, ref x15);
            QuarterRound(ref x0, ref x5, ref x10, ref x15);
            QuarterRound(ref x1, ref x6, ref x11, ref x12);
            QuarterRound(ref x2, ref x7, ref x8, ref x13);
            QuarterRound(ref x3, ref x4, ref x9, ref x14);
        }

        // Add the input state and serialize little-endian.
        BinaryPrimitives.WriteUInt32LittleEndian(output, x0 + Sigma0);
        BinaryPrimitives.WriteUInt32LittleEndian(output[4..], x1 + Sigma1);
        BinaryPrimitives.WriteUInt32LittleEndian(output[8..], x2 + Sigma2);
        BinaryPrimitives.WriteUInt32LittleEndian(output[12..], x3 + Sigma3);
        BinaryPrimitives.WriteUInt32LittleEndian(output[16..], x4 + k0);
        BinaryPrimitives.WriteUInt32LittleEndian(output[20..], x5 + k1);
        BinaryPrimitives.WriteUInt32LittleEndian(output[24..], x6 + k2);
        BinaryPrimitives.WriteUInt32LittleEndian(output[28..], x7 + k3);
        BinaryPrimitives.WriteUInt32LittleEndian(output[32..], x8 + k4);
        BinaryPrimitives.WriteUInt32LittleEndian(output[36..], x9 + k5);
        BinaryPrimitives.WriteUInt32LittleEndian(output[40..], x10 + k6);
        BinaryPrimitives.WriteUInt32LittleEndian(output[44..], x11 + k7);
        BinaryPrimitives.WriteUInt32LittleEndian(output[48..], x12 + counter);
        BinaryPrimitives.WriteUInt32LittleEndian(output[52..], x13 + n0);
        BinaryPrimitives.WriteUInt32LittleEndian(output[56..], x14 + n1);
        BinaryPrimitives.WriteUInt32LittleEndian(output[60..], x15 + n2);
    }

    // RFC 8439 §2.1.
    private static void QuarterRound(ref uint a, ref uint b, ref uint c, ref uint d)
    {
        a += b;
        d = BitOperations.RotateLeft(d ^ a, 16);
        c += d;
        b = BitOperations.RotateLeft(b ^ c, 12);
        a += b;
        d = BitOperations.RotateLeft(d ^ a, 8);
        c += d;
        b = BitOperations.RotateLeft(b ^ c, 7);
    }
}
