using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Mycnet.Networking.Quic.Core.Crypto;

/// <summary>
/// QUIC header protection for one direction (RFC 9001 §5.4): a 5-byte mask computed from a
/// 16-byte ciphertext sample masks the low bits of the first byte (4 for a long header, 5 for a
/// short header) and the packet number bytes.
/// </summary>
/// <remarks>
/// The mask is AES-ECB of the sample for the AES suites (§5.4.3) and the first bytes of the
/// ChaCha20 block for (key, counter = sample[0..4] little-endian, nonce = sample[4..16]) for
/// ChaCha20-Poly1305 (§5.4.4). The AES single-block encryption runs on AES-NI
/// (<see cref="AesNiKeySchedule"/>, a few dozen cycles) where the CPU has it; otherwise on an ECB
/// <see cref="ICryptoTransform"/> created once (a native call per packet): <c>Aes.EncryptEcb</c>
/// allocates on every call, while <c>TransformBlock</c> on two arrays owned by this object
/// allocates nothing, which is why the sample goes through <see cref="_aesInput"/>. The header protection key outlives key
/// updates (§6.1), so 1-RTT key generations share one protector. One thread at a time.
/// </remarks>
internal sealed class HeaderProtector : IDisposable
{
    /// <summary>The ciphertext sample length (RFC 9001 §5.4.2).</summary>
    public const int SampleLength = 16;

    /// <summary>The offset of the sample from the start of the packet number field: its maximum length (RFC 9001 §5.4.2).</summary>
    public const int SampleOffset = 4;

    /// <summary>The mask length: one byte for the first byte and up to four packet number bytes.</summary>
    public const int MaskLength = 5;

    private readonly bool _aesNi;
    private AesNiKeySchedule _aesNiKey;
    private readonly Aes? _aes;
    private readonly ICryptoTransform? _ecb;
    private readonly byte[] _aesInput = [];
    private readonly byte[] _aesOutput = [];
    private readonly byte[] _chachaKey = [];
    private bool _disposed;

    /// <summary>Creates the protector of <paramref name="suite"/> with the header protection key <paramref name="hpKey"/>.</summary>
    /// <param name="suite">The cipher suite.</param>
    /// <param name="hpKey">The header protection key ("quic hp").</param>
    /// <param name="allowHardwareAes">False to use the BCL's AES even where AES-NI could run (tests compare the two).</param>
    public HeaderProtector(CipherSuite suite, ReadOnlySpan<byte> hpKey, bool allowHardwareAes = true)
    {
        if (hpKey.Length != suite.HeaderProtectionKeyLength())
        {
            throw new ArgumentException($"A {suite} header protection key has {suite.HeaderProtectionKeyLength()} bytes.", nameof(hpKey));
        }

        Suite = suite;
        if (suite == CipherSuite.ChaCha20Poly1305Sha256)
        {
            _chachaKey = hpKey.ToArray();
        }
        else if (allowHardwareAes && AesGcmNi.IsSupported)
        {
            _aesNi = true;
            _aesNiKey = new AesNiKeySchedule(hpKey);
        }
        else
        {
            _aes = Aes.Create();
            _aes.Key = hpKey.ToArray();
            _aes.Mode = CipherMode.ECB;
            _aes.Padding = PaddingMode.None;
            _ecb = _aes.CreateEncryptor();
            _aesInput = new byte[SampleLength];
            _aesOutput = new byte[SampleLength];
        }
    }

    /// <summary>The cipher suite whose header protection this is.</summary>
    public CipherSuite Suite { get; }

    /// <summary>The smallest packet length that holds a complete sample for a packet number at <paramref name="pnOffset"/>.</summary>
    public static int MinimumPacketLength(int pnOffset) => pnOffset + SampleOffset + SampleLength;

    /// <summary>Computes the 5-byte mask for a 16-byte <paramref name="sample"/> (RFC 9001 §5.4.3, §5.4.4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Vector code: see AesGcmNi.
    public void ComputeMask(ReadOnlySpan<byte> sample, Span<byte> mask)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (sample.Length != SampleLength)
        {
            throw new ArgumentException("A header protection sample has 16 bytes.", nameof(sample));
        }

        if (mask.Length < MaskLength)
        {
            throw new ArgumentException("A header protection mask has 5 bytes.", nameof(mask));
        }

        if (_aesNi)
        {
            // RFC 9001 §5.4.3: mask = AES-ECB(hp_key, sample).
            Vector128<byte> block = _aesNiKey.EncryptBlock(Vector128.Create(sample));
            Span<byte> output = stackalloc byte[SampleLength];
            block.CopyTo(output);
            output[..MaskLength].CopyTo(mask);
        }
        else if (_ecb is not null)
        {
            // RFC 9001 §5.4.3: mask = AES-ECB(hp_key, sample).
            sample.CopyTo(_aesInput);
            _ecb.TransformBlock(_aesInput, 0, SampleLength, _aesOutput, 0);
            _aesOutput.AsSpan(0, MaskLength).CopyTo(mask);
        }
        else
        {
            // RFC 9001 §5.4.4: mask = ChaCha20(hp_key, counter = sample[0..4], nonce = sample[4..16], 5 zero bytes).
            Span<byte> block = stackalloc byte[ChaCha20.BlockLength];
            uint counter = BinaryPrimitives.ReadUInt32LittleEndian(sample);
            ChaCha20.Block(_chachaKey, counter, sample[4..], block);
            block[..MaskLength].CopyTo(mask);
        }
    }

    /// <summary>
    /// Applies header protection to a packet whose payload is already encrypted (RFC 9001 §5.4.1).
    /// <paramref name="packet"/> spans exactly this packet (not the rest of a coalesced datagram).
    /// </summary>
    /// <exception cref="ArgumentException">The packet is too short to sample (the sender must pad, RFC 9001 §5.4.2),
    /// or <paramref name="pnLength"/> disagrees with the first byte.</exception>
    public void Apply(Span<byte> packet, int pnOffset, int pnLength)
    {
        if (pnLength is < 1 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(pnLength), pnLength, "A packet number has 1 to 4 bytes.");
        }

        if (pnOffset < 1 || packet.Length < MinimumPacketLength(pnOffset))
        {
            throw new ArgumentException("The packet is too short for a header protection sample; pad it (RFC 9001 §5.4.2).", nameof(packet));
        }

        if ((packet[0] & 0x03) + 1 != pnLength)
        {
            throw new ArgumentException("The first byte's Packet Number Length bits disagree with pnLength.", nameof(pnLength));
        }

        Span<byte> mask = stackalloc byte[MaskLength];
        ComputeMask(packet.Slice(pnOffset + SampleOffset, SampleLength), mask);
        packet[0] ^= (byte)(mask[0] & FirstByteMask(packet[0]));
        for (int i = 0; i < pnLength; i++)
        {
            packet[pnOffset + i] ^= mask[1 + i];
        }
    }

    /// <summary>
    /// Removes header protection (RFC 9001 §5.4.1): unmasks the first byte, reads the packet
    /// number length from it and unmasks that many packet number bytes. <paramref name="packet"/>
    /// spans exactly this packet. Returns false, changing nothing, when the packet cannot hold a
    /// complete sample (RFC 9001 §5.4.2: such packets are discarded).
    /// </summary>
    public bool TryRemove(Span<byte> packet, int pnOffset, out int pnLength, out uint truncatedPacketNumber)
    {
        if (pnOffset < 1 || pnOffset > packet.Length - SampleOffset - SampleLength)
        {
            pnLength = 0;
            truncatedPacketNumber = 0;
            return false;
        }

        Span<byte> mask = stackalloc byte[MaskLength];
        ComputeMask(packet.Slice(pnOffset + SampleOffset, SampleLength), mask);
        packet[0] ^= (byte)(mask[0] & FirstByteMask(packet[0]));
        pnLength = (packet[0] & 0x03) + 1;
        uint pn = 0;
        for (int i = 0; i < pnLength; i++)
        {
            byte b = (byte)(packet[pnOffset + i] ^ mask[1 + i]);
            packet[pnOffset + i] = b;
            pn = (pn << 8) | b;
        }

        truncatedPacketNumber = pn;
        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _aesNiKey.Clear();
        _ecb?.Dispose();
        _aes?.Dispose();
        CryptographicOperations.ZeroMemory(_chachaKey);
        CryptographicOperations.ZeroMemory(_aesInput);
        CryptographicOperations.ZeroMemory(_aesOutput);
    }

    // RFC 9001 §5.4.1: 4 bits of a long header (form bit set), 5 bits of a short header.
    private static int FirstByteMask(byte firstByte) => (firstByte & 0x80) != 0 ? 0x0f : 0x1f;
}
