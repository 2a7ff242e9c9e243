using System.Security.Cryptography;
using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>
/// The packet protection keys of one recorded connection, both directions: Initial keys from the
/// client's Initial Destination Connection ID (RFC 9001 §5.2), Handshake and 1-RTT keys from the TLS
/// secrets the client logged through its tracer (NSS key-log labels), and the 1-RTT key generations
/// after key updates (RFC 9001 §6.1). It opens every packet of the exchange in delivery order (the
/// receiver's view: packet numbers are decoded against the largest one opened before, RFC 9000 §A.3)
/// and seals a changed plaintext under the same keys and packet number, so a mutant passes header
/// protection and authentication and reaches the receiver's frame parsers.
/// </summary>
internal sealed class MutationKeyRing : IDisposable
{
    private readonly DirectionKeys[] _directions = [new(), new()];
    private readonly Dictionary<string, byte[]> _secrets = new(StringComparer.Ordinal);
    private readonly Func<CipherSuite?> _suite;
    private byte[] _initialDcid = [];

    /// <param name="suite">The negotiated cipher suite, once known (the client connection's <c>CipherSuite</c>).</param>
    public MutationKeyRing(Func<CipherSuite?> suite) => _suite = suite;

    /// <summary>The receiver's connection ID length for short headers (both sides use 8).</summary>
    public int ShortHeaderDcidLength { get; init; } = 8;

    /// <summary>A secret the client's TLS derived (from <see cref="IConnectionTracer.OnSecret"/>).</summary>
    public void AddSecret(string label, ReadOnlySpan<byte> secret) => _secrets[label] = secret.ToArray();

    /// <summary>
    /// Opens the packets of an original (unmodified) datagram in delivery order and advances the
    /// receiver-side state (largest packet numbers, 1-RTT key generation). Packets whose keys are not
    /// known (or that fail to open) are skipped; the rest are returned in datagram order.
    /// </summary>
    public List<OpenedPacket> OpenOriginal(Direction direction, ReadOnlySpan<byte> datagram)
    {
        var opened = new List<OpenedPacket>(3);
        DirectionKeys keys = _directions[(int)direction];
        int offset = 0;
        while (offset < datagram.Length)
        {
            if (!PacketHeader.TryParse(datagram[offset..], ShortHeaderDcidLength, out PacketHeader header) || header.PacketLength == 0)
            {
                break;
            }

            int length = header.PacketLength;
            if (direction == Direction.ClientToServer && header.Type == PacketType.Initial && !header.DestinationConnectionId.SequenceEqual(_initialDcid))
            {
                // The client's Initial DCID names the Initial keys (RFC 9001 §5.2); after a Retry it changes.
                _initialDcid = header.DestinationConnectionId.ToArray();
                DisposeInitial();
            }

            if (header.HasPacketNumber && TryOpen(direction, keys, header, datagram.Slice(offset, length), offset, out OpenedPacket? packet))
            {
                opened.Add(packet);
            }

            offset += length;
        }

        return opened;
    }

    /// <summary>
    /// Opens an original datagram like <see cref="OpenOriginal"/>; when only a prefix of its packets
    /// opens because the receiver learns the keys of the rest from them (the server's Initial with
    /// the ServerHello, then its Handshake packets), first hands that prefix to
    /// <paramref name="deliverPrefix"/> as a datagram of its own (a sender may send them so), then
    /// opens the whole datagram again.
    /// </summary>
    public List<OpenedPacket> OpenOriginal(Direction direction, byte[] datagram, Action<byte[]> deliverPrefix)
    {
        List<OpenedPacket> opened = OpenOriginal(direction, datagram);
        if (opened.Count == 0 || opened[0].DatagramOffset != 0 || opened.Count >= CountPackets(datagram))
        {
            return opened;
        }

        int prefixEnd = 0;
        foreach (OpenedPacket packet in opened)
        {
            if (packet.DatagramOffset != prefixEnd)
            {
                break;
            }

            prefixEnd += packet.DatagramLength;
        }

        // Padded with zeros to the original size: the padding is not a packet and is ignored.
        byte[] prefix = new byte[datagram.Length];
        datagram.AsSpan(0, prefixEnd).CopyTo(prefix);
        deliverPrefix(prefix);
        return OpenOriginal(direction, datagram);
    }

    /// <summary>How many coalesced packets a datagram holds (as far as their headers parse).</summary>
    public int CountPackets(ReadOnlySpan<byte> datagram)
    {
        int count = 0;
        int offset = 0;
        while (offset < datagram.Length && PacketHeader.TryParse(datagram[offset..], ShortHeaderDcidLength, out PacketHeader header) && header.PacketLength > 0)
        {
            count++;
            offset += header.PacketLength;
        }

        return count;
    }

    /// <summary>
    /// Seals <paramref name="plaintext"/> as the payload of <paramref name="original"/>'s packet: same
    /// header, packet number and keys; the long header's Length field follows the new size, and the
    /// packet number grows to 4 bytes when the payload is too short for the header protection sample.
    /// </summary>
    public byte[] Seal(Direction direction, OpenedPacket original, ReadOnlySpan<byte> plaintext)
    {
        DirectionKeys keys = _directions[(int)direction];
        (HeaderProtector hp, PacketAead aead) = GetCipher(keys, original.Level, original.Generation)
            ?? throw new InvalidOperationException($"No {original.Level} keys for {direction}.");

        int pnLength = original.PnLength;
        if (pnLength + plaintext.Length < HeaderProtector.SampleOffset)
        {
            pnLength = PacketNumber.MaxLength; // RFC 9001 §5.4.2: a longer packet number instead of padding.
        }

        int lengthFieldSize = original.LengthFieldOffset >= 0 ? original.LengthFieldSize : 0;
        int newLengthValue = pnLength + plaintext.Length + CipherSuiteInfo.TagLength;
        if (lengthFieldSize > 0 && newLengthValue > MaxForVarIntSize(lengthFieldSize))
        {
            lengthFieldSize = VarInt.GetLength((ulong)newLengthValue);
        }

        int prefixEnd = original.LengthFieldOffset >= 0 ? original.LengthFieldOffset : original.PnOffset;
        int pnOffset = prefixEnd + lengthFieldSize;
        int headerLength = pnOffset + pnLength;
        byte[] packet = new byte[headerLength + plaintext.Length + CipherSuiteInfo.TagLength];
        original.Header.AsSpan(0, prefixEnd).CopyTo(packet);
        packet[0] = (byte)((packet[0] & ~0x03) | (pnLength - 1));
        if (lengthFieldSize > 0)
        {
            VarInt.WriteWithLength(packet.AsSpan(prefixEnd), (ulong)newLengthValue, lengthFieldSize);
        }

        ulong truncated = PacketNumber.Truncate(original.PacketNumber, pnLength);
        for (int i = 0; i < pnLength; i++)
        {
            packet[pnOffset + i] = (byte)(truncated >> (8 * (pnLength - 1 - i)));
        }

        plaintext.CopyTo(packet.AsSpan(headerLength));
        aead.Encrypt(packet, headerLength, plaintext.Length, original.PacketNumber);
        hp.Apply(packet, pnOffset, pnLength);
        return packet;
    }

    public void Dispose()
    {
        foreach (DirectionKeys keys in _directions)
        {
            keys.Dispose();
        }

        foreach (byte[] secret in _secrets.Values)
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static int MaxForVarIntSize(int size) => size switch
    {
        1 => 63,
        2 => 16383,
        _ => int.MaxValue,
    };

    private bool TryOpen(Direction direction, DirectionKeys keys, PacketHeader header, ReadOnlySpan<byte> protectedPacket, int datagramOffset, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out OpenedPacket? opened)
    {
        opened = null;
        EncryptionLevel level = header.Type switch
        {
            PacketType.Initial => EncryptionLevel.Initial,
            PacketType.Handshake => EncryptionLevel.Handshake,
            PacketType.OneRtt => EncryptionLevel.OneRtt,
            _ => EncryptionLevel.ZeroRtt,
        };
        if (level == EncryptionLevel.ZeroRtt)
        {
            return false;
        }

        int pnOffset = header.PacketNumberOffset;
        int space = (int)level.ToSpace();
        byte[] scratch = protectedPacket.ToArray();
        var generations = new List<int>(3);
        if (level == EncryptionLevel.OneRtt)
        {
            generations.Add(keys.OneRttGeneration);
            generations.Add(keys.OneRttGeneration + 1);
            if (keys.OneRttGeneration > 0)
            {
                generations.Add(keys.OneRttGeneration - 1);
            }
        }
        else
        {
            generations.Add(0);
        }

        (HeaderProtector, PacketAead)? first = GetCipher(keys, level, generations[0]);
        if (first is not { } cipher || !cipher.Item1.TryRemove(scratch, pnOffset, out int pnLength, out uint truncated))
        {
            return false;
        }

        bool keyPhase = PacketFirstByte.GetKeyPhase(scratch[0]);
        ulong packetNumber = PacketNumber.Decode(truncated, pnLength, keys.Largest[space]);
        int headerLength = pnOffset + pnLength;
        foreach (int generation in generations)
        {
            if (level == EncryptionLevel.OneRtt && (generation % 2 == 1) != keyPhase)
            {
                continue;
            }

            if (GetCipher(keys, level, generation) is not { } candidate)
            {
                continue;
            }

            byte[] attempt = (byte[])scratch.Clone();
            if (!candidate.Item2.TryDecrypt(attempt, headerLength, attempt.Length - headerLength, packetNumber, out int plaintextLength))
            {
                continue;
            }

            if (keys.Largest[space] is not { } largest || packetNumber > largest)
            {
                keys.Largest[space] = packetNumber;
            }

            if (level == EncryptionLevel.OneRtt && generation > keys.OneRttGeneration)
            {
                keys.OneRttGeneration = generation;
            }

            (int lengthOffset, int lengthSize) = FindLengthField(scratch, header);
            opened = new OpenedPacket
            {
                Level = level,
                Type = header.Type,
                DatagramOffset = datagramOffset,
                DatagramLength = protectedPacket.Length,
                Header = scratch.AsSpan(0, headerLength).ToArray(),
                PnOffset = pnOffset,
                PnLength = pnLength,
                LengthFieldOffset = lengthOffset,
                LengthFieldSize = lengthSize,
                PacketNumber = packetNumber,
                Generation = generation,
                Plaintext = attempt.AsSpan(headerLength, plaintextLength).ToArray(),
                Protected = protectedPacket.ToArray(),
            };
            return true;
        }

        _ = direction;
        return false;
    }

    private static (int Offset, int Size) FindLengthField(ReadOnlySpan<byte> packet, PacketHeader header)
    {
        if (!header.IsLongHeader)
        {
            return (-1, 0);
        }

        // RFC 9000 §17.2: first byte, version, DCID, SCID, (Initial) token, Length, packet number.
        int position = 1 + 4 + 1 + header.DestinationConnectionId.Length + 1 + header.SourceConnectionId.Length;
        if (header.Type == PacketType.Initial)
        {
            position += VarInt.GetLengthFromFirstByte(packet[position]) + header.Token.Length;
        }

        return (position, VarInt.GetLengthFromFirstByte(packet[position]));
    }

    private (HeaderProtector, PacketAead)? GetCipher(DirectionKeys keys, EncryptionLevel level, int generation)
    {
        bool client = keys == _directions[(int)Direction.ClientToServer];
        switch (level)
        {
            case EncryptionLevel.Initial:
                if (keys.Initial is null && _initialDcid.Length > 0)
                {
                    Span<byte> clientSecret = stackalloc byte[QuicKeySchedule.InitialSecretLength];
                    Span<byte> serverSecret = stackalloc byte[QuicKeySchedule.InitialSecretLength];
                    QuicKeySchedule.DeriveInitialSecrets(_initialDcid, clientSecret, serverSecret);
                    keys.Initial = CreateCipher(QuicKeySchedule.InitialSuite, client ? clientSecret : serverSecret);
                }

                return keys.Initial;
            case EncryptionLevel.Handshake:
                if (keys.Handshake is null && _suite() is { } suite &&
                    _secrets.TryGetValue(client ? TlsKeyLogLabels.ClientHandshakeTrafficSecret : TlsKeyLogLabels.ServerHandshakeTrafficSecret, out byte[]? handshakeSecret))
                {
                    keys.Handshake = CreateCipher(suite, handshakeSecret);
                }

                return keys.Handshake;
            case EncryptionLevel.OneRtt:
                if (generation < 0 || _suite() is not { } oneRttSuite)
                {
                    return null;
                }

                if (keys.OneRttSecrets.Count == 0)
                {
                    if (!_secrets.TryGetValue(client ? TlsKeyLogLabels.ClientTrafficSecret0 : TlsKeyLogLabels.ServerTrafficSecret0, out byte[]? secret0))
                    {
                        return null;
                    }

                    keys.OneRttSecrets.Add(secret0);
                    keys.OneRttHeaderProtector = CreateCipher(oneRttSuite, secret0).Item1;
                }

                while (keys.OneRttSecrets.Count <= generation)
                {
                    byte[] next = new byte[oneRttSuite.HashLength()];
                    QuicKeySchedule.DeriveNextSecret(oneRttSuite, keys.OneRttSecrets[^1], next);
                    keys.OneRttSecrets.Add(next);
                }

                while (keys.OneRttAeads.Count <= generation)
                {
                    keys.OneRttAeads.Add(CreateCipher(oneRttSuite, keys.OneRttSecrets[keys.OneRttAeads.Count]).Item2);
                }

                return (keys.OneRttHeaderProtector!, keys.OneRttAeads[generation]);
            default:
                return null;
        }
    }

    private static (HeaderProtector, PacketAead) CreateCipher(CipherSuite suite, ReadOnlySpan<byte> secret)
    {
        Span<byte> key = stackalloc byte[QuicKeySchedule.MaxKeyLength];
        Span<byte> iv = stackalloc byte[CipherSuiteInfo.IvLength];
        Span<byte> hp = stackalloc byte[QuicKeySchedule.MaxKeyLength];
        QuicKeySchedule.DeriveKey(suite, secret, key);
        QuicKeySchedule.DeriveIv(suite, secret, iv);
        QuicKeySchedule.DeriveHeaderProtectionKey(suite, secret, hp);
        return (new HeaderProtector(suite, hp[..suite.HeaderProtectionKeyLength()]), new PacketAead(suite, key[..suite.KeyLength()], iv));
    }

    private void DisposeInitial()
    {
        foreach (DirectionKeys keys in _directions)
        {
            if (keys.Initial is { } initial)
            {
                initial.Item1.Dispose();
                initial.Item2.Dispose();
                keys.Initial = null;
            }
        }
    }

    private sealed class DirectionKeys : IDisposable
    {
        public (HeaderProtector, PacketAead)? Initial { get; set; }

        public (HeaderProtector, PacketAead)? Handshake { get; set; }

        public HeaderProtector? OneRttHeaderProtector { get; set; }

        public List<byte[]> OneRttSecrets { get; } = [];

        public List<PacketAead> OneRttAeads { get; } = [];

        public int OneRttGeneration { get; set; }

        public ulong?[] Largest { get; } = new ulong?[EncryptionLevelExtensions.SpaceCount];

        public void Dispose()
        {
            if (Initial is { } initial)
            {
                initial.Item1.Dispose();
                initial.Item2.Dispose();
            }

            if (Handshake is { } handshake)
            {
                handshake.Item1.Dispose();
                handshake.Item2.Dispose();
            }

            OneRttHeaderProtector?.Dispose();
            foreach (PacketAead aead in OneRttAeads)
            {
                aead.Dispose();
            }
        }
    }
}
