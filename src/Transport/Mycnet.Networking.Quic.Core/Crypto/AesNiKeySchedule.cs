using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Mycnet.Networking.Quic.Core.Crypto;

/// <summary>
/// An expanded AES-128 or AES-256 encryption key (FIPS 197 §5.2) and block encryption with the x86
/// AES-NI instructions; the block cipher under <see cref="AesGcmNi"/> and AES header protection.
/// </summary>
/// <remarks>
/// The key expansion uses AESKEYGENASSIST for SubWord(RotWord(w)) XOR Rcon and three
/// shift-and-XOR steps for the running XOR of the previous round key's words (FIPS 197 §5.2).
/// AES-NI runs in constant time (no table lookups). Callers check <see cref="AesGcmNi.IsSupported"/>.
/// </remarks>
internal struct AesNiKeySchedule
{
    private RoundKeys _roundKeys;

    /// <summary>Expands a 16-byte (AES-128, 10 rounds) or 32-byte (AES-256, 14 rounds) key.</summary>
    public AesNiKeySchedule(ReadOnlySpan<byte> key)
    {
        if (key.Length == 16)
        {
            Rounds = 10;
            Vector128<byte> k = Vector128.Create(key);
            _roundKeys[0] = k;
            k = Expand128(k, X86Aes.KeygenAssist(k, 0x01)); _roundKeys[1] = k;
            k = Expand128(k, X86Aes.KeygenAssist(k, 0x02)); _roundKeys[2] = k;
            k = Expand128(k, X86Aes.KeygenAssist(k, 0x04)); _roundKeys[3] = k;
            k = Expand128(k, X86Aes.KeygenAssist(k, 0x08)); _roundKeys[4] = k;
            k = Expand128(k, X86Aes.KeygenAssist(k, 0x10)); _roundKeys[5] = k;
            k = Expand128(k, X86Aes.KeygenAssist(k, 0x20)); _roundKeys[6] = k;
            k = Expand128(k, X86Aes.KeygenAssist(k, 0x40)); _roundKeys[7] = k;
            k = Expand128(k, X86Aes.KeygenAssist(k, 0x80)); _roundKeys[8] = k;
            k = Expand128(k, X86Aes.KeygenAssist(k, 0x1b)); _roundKeys[9] = k;
            k = Expand128(k, X86Aes.KeygenAssist(k, 0x36)); _roundKeys[10] = k;
        }
        else if (key.Length == 32)
        {
            Rounds = 14;
            Vector128<byte> a = Vector128.Create(key);
            Vector128<byte> b = Vector128.Create(key[16..]);
            _roundKeys[0] = a;
            _roundKeys[1] = b;
            a = ExpandEven256(a, X86Aes.KeygenAssist(b, 0x01)); _roundKeys[2] = a;
            b = ExpandOdd256(b, X86Aes.KeygenAssist(a, 0x00)); _roundKeys[3] = b;
            a = ExpandEven256(a, X86Aes.KeygenAssist(b, 0x02)); _roundKeys[4] = a;
            b = ExpandOdd256(b, X86Aes.KeygenAssist(a, 0x00)); _roundKeys[5] = b;
            a = ExpandEven256(a, X86Aes.KeygenAssist(b, 0x04)); _roundKeys[6] = a;
            b = ExpandOdd256(b, X86Aes.KeygenAssist(a, 0x00)); _roundKeys[7] = b;
            a = ExpandEven256(a, X86Aes.KeygenAssist(b, 0x08)); _roundKeys[8] = a;
            b = ExpandOdd256(b, X86Aes.KeygenAssist(a, 0x00)); _roundKeys[9] = b;
            a = ExpandEven256(a, X86Aes.KeygenAssist(b, 0x10)); _roundKeys[10] = a;
            b = ExpandOdd256(b, X86Aes.KeygenAssist(a, 0x00)); _roundKeys[11] = b;
            a = ExpandEven256(a, X86Aes.KeygenAssist(b, 0x20)); _roundKeys[12] = a;
            b = ExpandOdd256(b, X86Aes.KeygenAssist(a, 0x00)); _roundKeys[13] = b;
            a = ExpandEven256(a, X86Aes.KeygenAssist(b, 0x40)); _roundKeys[14] = a;
        }
        else
        {
            throw new ArgumentException("An AES key has 16 or 32 bytes here.", nameof(key));
        }
    }

    /// <summary>10 for AES-128, 14 for AES-256.</summary>
    public int Rounds { get; }

    /// <summary>Encrypts one block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        int rounds = Rounds;
        block ^= _roundKeys[0];
        for (int r = 1; r < rounds; r++)
        {
            block = X86Aes.Encrypt(block, _roundKeys[r]);
        }

        return X86Aes.EncryptLast(block, _roundKeys[rounds]);
    }

    /// <summary>Encrypts eight independent blocks, round by round, so their AESENC latencies overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Encrypt8(ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3,
        ref Vector128<byte> b4, ref Vector128<byte> b5, ref Vector128<byte> b6, ref Vector128<byte> b7)
    {
        Vector128<byte> k = _roundKeys[0];
        Vector128<byte> x0 = b0 ^ k, x1 = b1 ^ k, x2 = b2 ^ k, x3 = b3 ^ k, x4 = b4 ^ k, x5 = b5 ^ k, x6 = b6 ^ k, x7 = b7 ^ k;
        int rounds = Rounds;
        for (int r = 1; r < rounds; r++)
        {
            k = _roundKeys[r];
            x0 = X86Aes.Encrypt(x0, k);
            x1 = X86Aes.Encrypt(x1, k);
            x2 = X86Aes.Encrypt(x2, k);
            x3 = X86Aes.Encrypt(x3, k);
            x4 = X86Aes.Encrypt(x4, k);
            x5 = X86Aes.Encrypt(x5, k);
            x6 = X86Aes.Encrypt(x6, k);
            x7 = X86Aes.Encrypt(x7, k);
        }

        k = _roundKeys[rounds];
        b0 = X86Aes.EncryptLast(x0, k);
        b1 = X86Aes.EncryptLast(x1, k);
        b2 = X86Aes.EncryptLast(x2, k);
        b3 = X86Aes.EncryptLast(x3, k);
        b4 = X86Aes.EncryptLast(x4, k);
        b5 = X86Aes.EncryptLast(x5, k);
        b6 = X86Aes.EncryptLast(x6, k);
        b7 = X86Aes.EncryptLast(x7, k);
    }

    /// <summary>Zeroes the round keys.</summary>
    public void Clear() => _roundKeys = default;

    // w[i..i+4] of the next AES-128 round key: the running XOR of the previous key's words, XOR
    // SubWord(RotWord(last word)) ^ Rcon, which AESKEYGENASSIST leaves in its top word.
    private static Vector128<byte> Expand128(Vector128<byte> previous, Vector128<byte> assist)
    {
        Vector128<uint> t = Sse2.Shuffle(assist.AsUInt32(), 0xff);
        return RunningXor(previous.AsUInt32()) ^ t.AsByte();
    }

    // AES-256, even round keys: as AES-128 (SubWord(RotWord(w)) ^ Rcon of the odd key's last word).
    private static Vector128<byte> ExpandEven256(Vector128<byte> previous, Vector128<byte> assist) =>
        RunningXor(previous.AsUInt32()) ^ Sse2.Shuffle(assist.AsUInt32(), 0xff).AsByte();

    // AES-256, odd round keys: SubWord of the even key's last word, no rotation, no Rcon (FIPS 197 §5.2, Nk = 8).
    private static Vector128<byte> ExpandOdd256(Vector128<byte> previous, Vector128<byte> assist) =>
        RunningXor(previous.AsUInt32()) ^ Sse2.Shuffle(assist.AsUInt32(), 0xaa).AsByte();

    // (w0, w0^w1, w0^w1^w2, w0^w1^w2^w3): three XORs with the key shifted up by one word each time.
    private static Vector128<byte> RunningXor(Vector128<uint> key)
    {
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key.AsByte();
    }

    [InlineArray(15)]
    private struct RoundKeys
    {
        private Vector128<byte> _element;
    }
}
