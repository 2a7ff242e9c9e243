using System.Buffers.Binary;

namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// Version Negotiation (RFC 9000 §17.2.1, RFC 8999 §6): a long header with version 0 listing the
/// versions the server supports. The server echoes the client's connection IDs swapped: its DCID is the
/// client's SCID and its SCID the client's DCID. Connection IDs may be up to 255 bytes (the client may
/// speak a version with longer IDs).
/// </summary>
internal readonly ref struct VersionNegotiationPacket
{
    private readonly ReadOnlySpan<byte> _versions;

    private VersionNegotiationPacket(ReadOnlySpan<byte> dcid, ReadOnlySpan<byte> scid, ReadOnlySpan<byte> versions)
    {
        DestinationConnectionId = dcid;
        SourceConnectionId = scid;
        _versions = versions;
    }

    public ReadOnlySpan<byte> DestinationConnectionId { get; }

    public ReadOnlySpan<byte> SourceConnectionId { get; }

    /// <summary>How many versions the list holds.</summary>
    public int VersionCount => _versions.Length / 4;

    /// <summary>The version at <paramref name="index"/> in the list.</summary>
    public uint GetVersion(int index) => BinaryPrimitives.ReadUInt32BigEndian(_versions.Slice(index * 4, 4));

    /// <summary>Whether the list contains <paramref name="version"/>.</summary>
    public bool Contains(uint version)
    {
        for (int i = 0; i < VersionCount; i++)
        {
            if (GetVersion(i) == version)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Parses a Version Negotiation packet that takes the whole of <paramref name="packet"/> (it cannot be
    /// coalesced). False when the header is not a long header with version 0, a connection ID runs past
    /// the buffer, or the version list is not a whole number of 4-byte versions. An empty list parses;
    /// the client then finds no version in common.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out VersionNegotiationPacket result)
    {
        result = default;
        var reader = new WireReader(packet);
        if (!reader.TryReadByte(out byte first)
            || !PacketFirstByte.IsLongHeader(first)
            || !reader.TryReadUInt32(out uint version)
            || version != QuicVersion.Negotiation
            || !reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> dcid)
            || !reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> scid)
            || reader.Remaining % 4 != 0)
        {
            return false;
        }

        result = new VersionNegotiationPacket(dcid, scid, reader.RemainingSpan);
        return true;
    }

    /// <summary>The length of a Version Negotiation packet.</summary>
    public static int GetLength(int dcidLength, int scidLength, int versionCount) => 1 + 4 + 1 + dcidLength + 1 + scidLength + (4 * versionCount);

    /// <summary>
    /// Writes a Version Negotiation packet. <paramref name="unusedBits"/> supplies the arbitrary low bits
    /// of the first byte (pass a random byte); the 0x40 bit is always set (RFC 9000 §17.2.1 SHOULD, for
    /// demultiplexing with other protocols, RFC 7983).
    /// </summary>
    /// <param name="writer">The output.</param>
    /// <param name="unusedBits">Random bits for the Unused field.</param>
    /// <param name="destinationConnectionId">The client's Source Connection ID (0–255 bytes).</param>
    /// <param name="sourceConnectionId">The client's Destination Connection ID (0–255 bytes).</param>
    /// <param name="supportedVersions">The versions to offer.</param>
    /// <returns>The number of bytes written.</returns>
    public static int Write(ref WireWriter writer, byte unusedBits, scoped ReadOnlySpan<byte> destinationConnectionId, scoped ReadOnlySpan<byte> sourceConnectionId, scoped ReadOnlySpan<uint> supportedVersions)
    {
        if (destinationConnectionId.Length > byte.MaxValue || sourceConnectionId.Length > byte.MaxValue)
        {
            throw new ArgumentException("A Version Negotiation packet echoes connection IDs of at most 255 bytes.", nameof(destinationConnectionId));
        }

        int start = writer.Position;
        writer.WriteByte((byte)(PacketFirstByte.HeaderFormBit | PacketFirstByte.FixedBit | (unusedBits & 0x3F)));
        writer.WriteUInt32(QuicVersion.Negotiation);
        writer.WriteByte((byte)destinationConnectionId.Length);
        writer.WriteBytes(destinationConnectionId);
        writer.WriteByte((byte)sourceConnectionId.Length);
        writer.WriteBytes(sourceConnectionId);
        foreach (uint version in supportedVersions)
        {
            writer.WriteUInt32(version);
        }

        return writer.Position - start;
    }
}
