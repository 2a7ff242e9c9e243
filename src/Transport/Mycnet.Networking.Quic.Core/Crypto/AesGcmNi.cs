using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Mycnet.Networking.Quic.Core.Crypto;

/// <summary>
/// AES-128-GCM and AES-256-GCM (NIST SP 800-38D) with the x86 AES-NI and PCLMULQDQ instructions,
/// in place, for QUIC packet protection (RFC 9001 §5.3).
/// </summary>
/// <remarks>
/// <para>Why it exists: the BCL's <see cref="System.Security.Cryptography.AesGcm"/> on Linux calls
/// into OpenSSL several times per operation (set the IV, feed the AAD, update, final, tag,
/// ERR_clear_error), which costs about 1.5 µs per packet whatever its size: more than the
/// cipher itself for a 1200–1452-byte QUIC packet, and a third of the CPU time of a loopback bulk
/// transfer. This type does the same computation in managed code with hardware instructions and no
/// call out. <see cref="IsSupported"/> says whether the CPU has them; callers fall back to the BCL
/// otherwise.</para>
/// <para>Design. CTR mode runs eight counter blocks at a time so the AES rounds of independent
/// blocks overlap in the pipeline; GHASH keeps its state byte-reflected (so the 64-bit halves are
/// in carry-less multiply order) and uses aggregated reduction: eight blocks are multiplied by
/// H^8..H^1 (precomputed), the unreduced 256-bit products are XORed, and one shift-and-reduce
/// modulo x^128 + x^7 + x^2 + x + 1 finishes them (the carry-less multiplication method of
/// Gueron and Kounavis, Intel white paper "Carry-Less Multiplication and Its Usage for Computing
/// the GCM Mode"). Decryption hashes the ciphertext before it is overwritten and compares the tag
/// in constant time; on a mismatch it zeroes the output, like the BCL, so no unauthenticated
/// plaintext is left behind.</para>
/// <para>Constant time: AESENC, PCLMULQDQ and the vector XORs and shifts take the same time for
/// every value; there are no table lookups and no branches on key, plaintext or tag bytes (only on
/// the public lengths). Verified against the BCL AesGcm on random keys, nonces, associated data
/// and lengths, and by the RFC 9001 Appendix A packets.</para>
/// <para>The entry points are compiled fully optimized from the first call
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>): unoptimized vector code calls a helper
/// per intrinsic, and a connection's first megabytes would pay for it while the JIT tiers up.</para>
/// <para>One thread at a time (it keeps no per-call state, but <see cref="Dispose"/> zeroes the keys).</para>
/// </remarks>
internal sealed class AesGcmNi : IDisposable
{
    /// <summary>The nonce length QUIC uses (RFC 9001 §5.3).</summary>
    public const int NonceLength = 12;

    /// <summary>The tag length.</summary>
    public const int TagLength = 16;

    private const int BlockSize = 16;

    private AesNiKeySchedule _keys;

    // H^1..H^8 (H = AES_K(0^128)), byte-reflected, for aggregated GHASH.
    private HashKeyPowers _h;
    private bool _disposed;

    /// <summary>Creates the AEAD for a 16- or 32-byte key.</summary>
    /// <exception cref="PlatformNotSupportedException">The CPU lacks AES-NI, PCLMULQDQ or SSSE3 (check <see cref="IsSupported"/>).</exception>
    public AesGcmNi(ReadOnlySpan<byte> key)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("AES-NI and PCLMULQDQ are not available on this CPU.");
        }

        _keys = new AesNiKeySchedule(key);
        Vector128<byte> h = Reflect(_keys.EncryptBlock(Vector128<byte>.Zero));
        _h[0] = h;
        for (int i = 1; i < HashKeyPowers.Length; i++)
        {
            _h[i] = Multiply(_h[i - 1], h);
        }
    }

    /// <summary>Whether the CPU has the instructions this type needs.</summary>
    public static bool IsSupported => X86Aes.IsSupported && Pclmulqdq.IsSupported && Ssse3.IsSupported;

    /// <summary>Encrypts <paramref name="data"/> in place and writes the 16-byte tag over it and <paramref name="associatedData"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Encrypt(ReadOnlySpan<byte> nonce, Span<byte> data, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckArguments(nonce, tag);
        Vector128<byte> hash = HashAssociatedData(associatedData);
        hash = Crypt(nonce, data, hash, encrypt: true);
        ComputeTag(nonce, hash, associatedData.Length, data.Length).CopyTo(tag);
    }

    /// <summary>
    /// Decrypts <paramref name="data"/> in place when <paramref name="tag"/> authenticates it and
    /// <paramref name="associatedData"/>; otherwise zeroes <paramref name="data"/> and returns false.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryDecrypt(ReadOnlySpan<byte> nonce, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckArguments(nonce, tag);
        Vector128<byte> hash = HashAssociatedData(associatedData);
        hash = Crypt(nonce, data, hash, encrypt: false);
        Vector128<byte> expected = ComputeTag(nonce, hash, associatedData.Length, data.Length);
        Span<byte> computed = stackalloc byte[TagLength];
        expected.CopyTo(computed);
        if (CryptographicOperations.FixedTimeEquals(computed, tag))
        {
            return true;
        }

        CryptographicOperations.ZeroMemory(data);
        return false;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _disposed = true;
        _keys.Clear();
        _h = default;
    }

    private static void CheckArguments(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> tag)
    {
        if (nonce.Length != NonceLength)
        {
            throw new ArgumentException("The nonce has 12 bytes.", nameof(nonce));
        }

        if (tag.Length != TagLength)
        {
            throw new ArgumentException("The tag has 16 bytes.", nameof(tag));
        }
    }

    // SP 800-38D §7.1 step 4 (the A part of GHASH): whole blocks, then the last one zero-padded.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Vector128<byte> HashAssociatedData(ReadOnlySpan<byte> data)
    {
        Vector128<byte> hash = Vector128<byte>.Zero;
        Vector128<byte> h = _h[0];
        ref byte start = ref MemoryMarshal.GetReference(data);
        int whole = data.Length & ~(BlockSize - 1);
        for (int i = 0; i < whole; i += BlockSize)
        {
            hash = Multiply(hash ^ Reflect(Vector128.LoadUnsafe(ref start, (nuint)i)), h);
        }

        if (whole < data.Length)
        {
            hash = Multiply(hash ^ Reflect(LoadPartial(data[whole..])), h);
        }

        return hash;
    }

    /// <summary>CTR-encrypts or -decrypts <paramref name="data"/> in place from counter 2 and folds the ciphertext into <paramref name="hash"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Vector128<byte> Crypt(ReadOnlySpan<byte> nonce, Span<byte> data, Vector128<byte> hash, bool encrypt)
    {
        // SP 800-38D §7.1: J0 = nonce || 0^31 || 1; the payload starts at inc32(J0).
        Vector128<uint> j0 = Vector128.Create(
            BinaryPrimitives.ReadUInt32LittleEndian(nonce),
            BinaryPrimitives.ReadUInt32LittleEndian(nonce[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(nonce[8..]),
            0u);
        uint counter = 2;
        ref byte start = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int offset = 0;

        while (length - offset >= 8 * BlockSize)
        {
            ref byte at = ref Unsafe.Add(ref start, offset);
            Vector128<byte> k0 = Counter(j0, counter);
            Vector128<byte> k1 = Counter(j0, counter + 1);
            Vector128<byte> k2 = Counter(j0, counter + 2);
            Vector128<byte> k3 = Counter(j0, counter + 3);
            Vector128<byte> k4 = Counter(j0, counter + 4);
            Vector128<byte> k5 = Counter(j0, counter + 5);
            Vector128<byte> k6 = Counter(j0, counter + 6);
            Vector128<byte> k7 = Counter(j0, counter + 7);
            _keys.Encrypt8(ref k0, ref k1, ref k2, ref k3, ref k4, ref k5, ref k6, ref k7);

            Vector128<byte> d0 = Vector128.LoadUnsafe(ref at, 0);
            Vector128<byte> d1 = Vector128.LoadUnsafe(ref at, 16);
            Vector128<byte> d2 = Vector128.LoadUnsafe(ref at, 32);
            Vector128<byte> d3 = Vector128.LoadUnsafe(ref at, 48);
            Vector128<byte> d4 = Vector128.LoadUnsafe(ref at, 64);
            Vector128<byte> d5 = Vector128.LoadUnsafe(ref at, 80);
            Vector128<byte> d6 = Vector128.LoadUnsafe(ref at, 96);
            Vector128<byte> d7 = Vector128.LoadUnsafe(ref at, 112);
            Vector128<byte> o0 = d0 ^ k0;
            Vector128<byte> o1 = d1 ^ k1;
            Vector128<byte> o2 = d2 ^ k2;
            Vector128<byte> o3 = d3 ^ k3;
            Vector128<byte> o4 = d4 ^ k4;
            Vector128<byte> o5 = d5 ^ k5;
            Vector128<byte> o6 = d6 ^ k6;
            Vector128<byte> o7 = d7 ^ k7;
            o0.StoreUnsafe(ref at, 0);
            o1.StoreUnsafe(ref at, 16);
            o2.StoreUnsafe(ref at, 32);
            o3.StoreUnsafe(ref at, 48);
            o4.StoreUnsafe(ref at, 64);
            o5.StoreUnsafe(ref at, 80);
            o6.StoreUnsafe(ref at, 96);
            o7.StoreUnsafe(ref at, 112);

            // GHASH runs over the ciphertext: the output when encrypting, the input when decrypting.
            hash = encrypt
                ? Hash8(hash, o0, o1, o2, o3, o4, o5, o6, o7)
                : Hash8(hash, d0, d1, d2, d3, d4, d5, d6, d7);
            counter += 8;
            offset += 8 * BlockSize;
        }

        Vector128<byte> h = _h[0];
        while (length - offset >= BlockSize)
        {
            ref byte at = ref Unsafe.Add(ref start, offset);
            Vector128<byte> d = Vector128.LoadUnsafe(ref at);
            Vector128<byte> o = d ^ _keys.EncryptBlock(Counter(j0, counter));
            o.StoreUnsafe(ref at);
            hash = Multiply(hash ^ Reflect(encrypt ? o : d), h);
            counter++;
            offset += BlockSize;
        }

        if (offset < length)
        {
            // The last partial block: XOR with the head of one more keystream block, hash it zero-padded.
            Span<byte> block = stackalloc byte[BlockSize];
            block.Clear();
            Span<byte> tail = data[offset..];
            tail.CopyTo(block);
            Vector128<byte> d = Vector128.Create((ReadOnlySpan<byte>)block);
            Vector128<byte> o = d ^ _keys.EncryptBlock(Counter(j0, counter));
            o.CopyTo(block);
            block[..tail.Length].CopyTo(tail);
            block[tail.Length..].Clear();
            Vector128<byte> cipher = encrypt ? Vector128.Create((ReadOnlySpan<byte>)block) : d;
            hash = Multiply(hash ^ Reflect(cipher), h);
        }

        return hash;
    }

    // SP 800-38D §7.1 steps 5–6: the length block, then T = E(K, J0) XOR S.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Vector128<byte> ComputeTag(ReadOnlySpan<byte> nonce, Vector128<byte> hash, int associatedLength, int dataLength)
    {
        Vector128<ulong> lengths = Vector128.Create((ulong)dataLength * 8, (ulong)associatedLength * 8);
        hash = Multiply(hash ^ lengths.AsByte(), _h[0]); // Already in reflected order: [len(C)]64 low, [len(A)]64 high.
        Vector128<uint> j0 = Vector128.Create(
            BinaryPrimitives.ReadUInt32LittleEndian(nonce),
            BinaryPrimitives.ReadUInt32LittleEndian(nonce[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(nonce[8..]),
            0u);
        return _keys.EncryptBlock(Counter(j0, 1)) ^ Reflect(hash);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Counter(Vector128<uint> j0, uint counter) =>
        j0.WithElement(3, BinaryPrimitives.ReverseEndianness(counter)).AsByte();

    // Eight ciphertext blocks at once: ((X ^ C0)·H^8) ^ (C1·H^7) ^ … ^ (C7·H), reduced once.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<byte> Hash8(Vector128<byte> hash,
        Vector128<byte> c0, Vector128<byte> c1, Vector128<byte> c2, Vector128<byte> c3,
        Vector128<byte> c4, Vector128<byte> c5, Vector128<byte> c6, Vector128<byte> c7)
    {
        Vector128<ulong> lo = default, mid = default, hi = default;
        MultiplyAccumulate(hash ^ Reflect(c0), _h[7], ref lo, ref mid, ref hi);
        MultiplyAccumulate(Reflect(c1), _h[6], ref lo, ref mid, ref hi);
        MultiplyAccumulate(Reflect(c2), _h[5], ref lo, ref mid, ref hi);
        MultiplyAccumulate(Reflect(c3), _h[4], ref lo, ref mid, ref hi);
        MultiplyAccumulate(Reflect(c4), _h[3], ref lo, ref mid, ref hi);
        MultiplyAccumulate(Reflect(c5), _h[2], ref lo, ref mid, ref hi);
        MultiplyAccumulate(Reflect(c6), _h[1], ref lo, ref mid, ref hi);
        MultiplyAccumulate(Reflect(c7), _h[0], ref lo, ref mid, ref hi);
        return Reduce(lo, mid, hi);
    }

    /// <summary>One GF(2^128) product of two byte-reflected values, reduced.</summary>
    internal static Vector128<byte> Multiply(Vector128<byte> a, Vector128<byte> b)
    {
        Vector128<ulong> lo = default, mid = default, hi = default;
        MultiplyAccumulate(a, b, ref lo, ref mid, ref hi);
        return Reduce(lo, mid, hi);
    }

    // The schoolbook 128×128 carry-less product, its three 128-bit parts XORed into the accumulators.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAccumulate(Vector128<byte> a, Vector128<byte> b, ref Vector128<ulong> lo, ref Vector128<ulong> mid, ref Vector128<ulong> hi)
    {
        Vector128<ulong> x = a.AsUInt64();
        Vector128<ulong> y = b.AsUInt64();
        lo ^= Pclmulqdq.CarrylessMultiply(x, y, 0x00);
        hi ^= Pclmulqdq.CarrylessMultiply(x, y, 0x11);
        mid ^= Pclmulqdq.CarrylessMultiply(x, y, 0x01) ^ Pclmulqdq.CarrylessMultiply(x, y, 0x10);
    }

    /// <summary>
    /// Folds the middle part into the 256-bit product, shifts it left one bit (the bit-reflected
    /// representation loses one bit position in the carry-less product) and reduces it modulo
    /// x^128 + x^7 + x^2 + x + 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Reduce(Vector128<ulong> lo, Vector128<ulong> mid, Vector128<ulong> hi)
    {
        Vector128<uint> low = (lo ^ Sse2.ShiftLeftLogical128BitLane(mid, 8)).AsUInt32();
        Vector128<uint> high = (hi ^ Sse2.ShiftRightLogical128BitLane(mid, 8)).AsUInt32();

        // 256-bit shift left by one: each 32-bit lane shifts, its top bit moves to the next lane up.
        Vector128<uint> lowCarry = Sse2.ShiftRightLogical(low, 31);
        Vector128<uint> highCarry = Sse2.ShiftRightLogical(high, 31);
        low = Sse2.ShiftLeftLogical(low, 1);
        high = Sse2.ShiftLeftLogical(high, 1);
        Vector128<uint> crossing = Sse2.ShiftRightLogical128BitLane(lowCarry, 12);
        high |= Sse2.ShiftLeftLogical128BitLane(highCarry, 4) | crossing;
        low |= Sse2.ShiftLeftLogical128BitLane(lowCarry, 4);

        // Reduction, first phase: multiply the low half by x^63 + x^62 + x^57 (reflected: shifts by 31, 30, 25).
        Vector128<uint> t = Sse2.ShiftLeftLogical(low, 31) ^ Sse2.ShiftLeftLogical(low, 30) ^ Sse2.ShiftLeftLogical(low, 25);
        Vector128<uint> spill = Sse2.ShiftRightLogical128BitLane(t, 4);
        low ^= Sse2.ShiftLeftLogical128BitLane(t, 12);

        // Second phase: shifts right by 1, 2 and 7, then fold into the high half.
        Vector128<uint> u = Sse2.ShiftRightLogical(low, 1) ^ Sse2.ShiftRightLogical(low, 2) ^ Sse2.ShiftRightLogical(low, 7) ^ spill;
        return (high ^ low ^ u).AsByte();
    }

    /// <summary>Reverses the byte order of a block (GHASH's bit order is the reverse of the multiply's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Reflect(Vector128<byte> block) =>
        Ssse3.Shuffle(block, Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));

    private static Vector128<byte> LoadPartial(ReadOnlySpan<byte> bytes)
    {
        Span<byte> block = stackalloc byte[BlockSize];
        block.Clear();
        bytes.CopyTo(block);
        return Vector128.Create((ReadOnlySpan<byte>)block);
    }

    [InlineArray(Length)]
    private struct HashKeyPowers
    {
        public const int Length = 8;

        private Vector128<byte> _element;
    }
}
