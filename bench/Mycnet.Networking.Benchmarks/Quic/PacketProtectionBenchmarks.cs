using BenchmarkDotNet.Attributes;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Benchmarks.Quic;

/// <summary>
/// 1-RTT packet protection (RFC 9001 §5) per cipher suite and packet size: what the send path does
/// for every packet (short header, AEAD, header protection) and what the receive path does
/// (remove header protection, decode the packet number, AEAD open). Both run in place on the
/// packet buffer and must report 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class PacketProtectionBenchmarks
{
    private const int PacketNumberLength = 2;
    private static readonly byte[] DestinationConnectionId = [0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f, 0x70, 0x81];

    private PacketProtectionKeys _keys = null!;
    private byte[] _packet = null!;
    private byte[] _protectedTemplate = null!;
    private byte[] _work = null!;
    private byte[] _sealed = null!;
    private int _headerLength;
    private int _pnOffset;
    private ulong _packetNumber = 1000;

    [Params(CipherSuite.Aes128GcmSha256, CipherSuite.Aes256GcmSha384, CipherSuite.ChaCha20Poly1305Sha256)]
    public CipherSuite Suite { get; set; }

    /// <summary>Datagram size: the QUIC minimum and a common Ethernet path MTU.</summary>
    [Params(1200, 1452)]
    public int PacketSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        byte[] secret = new byte[Suite.HashLength()];
        new Random(3).NextBytes(secret);

        // No confidentiality limit: the benchmark encrypts far more than 2^23 packets under one key.
        _keys = PacketProtectionKeys.FromSecret(Suite, secret, integrity: null, confidentialityLimit: long.MaxValue);
        _packet = new byte[PacketSize];
        new Random(5).NextBytes(_packet);
        _work = new byte[PacketSize];
        _pnOffset = WriteHeader(_packet, _packetNumber);
        _headerLength = _pnOffset + PacketNumberLength;

        _protectedTemplate = new byte[PacketSize];
        _packet.CopyTo(_protectedTemplate);
        _keys.EncryptPayload(_protectedTemplate, _headerLength, PacketSize - _headerLength - CipherSuiteInfo.TagLength, _packetNumber);
        _sealed = (byte[])_protectedTemplate.Clone(); // payload sealed, header in the clear
        _keys.ApplyHeaderProtection(_protectedTemplate, _pnOffset, PacketNumberLength);
    }

    [GlobalCleanup]
    public void Cleanup() => _keys.Dispose();

    /// <summary>Send side: write the short header, seal the payload, mask the header.</summary>
    [Benchmark]
    public int Protect()
    {
        ulong packetNumber = ++_packetNumber;
        int pnOffset = WriteHeader(_packet, packetNumber);
        int headerLength = pnOffset + PacketNumberLength;
        _keys.EncryptPayload(_packet, headerLength, PacketSize - headerLength - CipherSuiteInfo.TagLength, packetNumber);
        _keys.ApplyHeaderProtection(_packet, pnOffset, PacketNumberLength);
        return _packet[0];
    }

    /// <summary>
    /// Receive side: unmask the header, decode the packet number, open the payload. Each call first
    /// copies the protected packet into the work buffer (decryption is in place); the copy is part
    /// of the time.
    /// </summary>
    [Benchmark]
    public int Unprotect()
    {
        _protectedTemplate.CopyTo(_work, 0);
        if (!_keys.TryRemoveHeaderProtection(_work, _pnOffset, out int pnLength, out uint truncated))
        {
            throw new InvalidOperationException("Header protection did not come off.");
        }

        ulong packetNumber = PacketNumber.Decode(truncated, pnLength, 999);
        int headerLength = _pnOffset + pnLength;
        if (!_keys.TryDecryptPayload(_work, headerLength, PacketSize - headerLength, packetNumber, out int plaintext))
        {
            throw new InvalidOperationException("The payload did not decrypt.");
        }

        return plaintext;
    }

    /// <summary>Header protection alone: mask, then unmask, a sealed packet (two header protection operations: one AES-ECB or ChaCha20 block each).</summary>
    [Benchmark]
    public uint HeaderProtectionRoundTrip()
    {
        _keys.ApplyHeaderProtection(_sealed, _pnOffset, PacketNumberLength);
        if (!_keys.TryRemoveHeaderProtection(_sealed, _pnOffset, out _, out uint truncated))
        {
            throw new InvalidOperationException("Header protection did not come off.");
        }

        return truncated;
    }

    private static int WriteHeader(Span<byte> packet, ulong packetNumber)
    {
        var writer = new WireWriter(packet);
        return ShortHeader.Write(ref writer, DestinationConnectionId, spinBit: false, keyPhase: false, PacketNumber.Truncate(packetNumber, PacketNumberLength), PacketNumberLength);
    }
}
