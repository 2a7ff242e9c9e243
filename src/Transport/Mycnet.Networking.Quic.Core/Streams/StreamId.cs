using System.Globalization;

namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>Whether a stream carries data both ways or only from its initiator (RFC 9000 §2.1).</summary>
public enum StreamDirection
{
    /// <summary>Data flows in both directions (stream id bit 0x02 clear).</summary>
    Bidirectional = 0,

    /// <summary>Data flows from the initiator to its peer only (stream id bit 0x02 set).</summary>
    Unidirectional = 1,
}

/// <summary>Which endpoint opened a stream (RFC 9000 §2.1, stream id bit 0x01).</summary>
public enum StreamInitiator
{
    /// <summary>Client-initiated: even stream ids.</summary>
    Client = 0,

    /// <summary>Server-initiated: odd stream ids.</summary>
    Server = 1,
}

/// <summary>
/// A QUIC stream id (RFC 9000 §2.1): a 62-bit integer whose two low bits give the type
/// (bit 0x01 = initiator, bit 0x02 = direction) and whose remaining bits are the index of the
/// stream among the streams of that type, in opening order.
/// </summary>
internal readonly record struct StreamId(ulong Value)
{
    /// <summary>The largest stream id a variable-length integer can carry (2^62 - 1).</summary>
    public const ulong MaxValue = (1UL << 62) - 1;

    /// <summary>The largest cumulative stream count a MAX_STREAMS frame may carry (RFC 9000 §4.6: 2^60).</summary>
    public const ulong MaxStreamCount = 1UL << 60;

    /// <summary>The two type bits (0x00..0x03), as in RFC 9000 Table 1.</summary>
    public int TypeBits => (int)(Value & 0x3);

    /// <summary>Who opened the stream.</summary>
    public StreamInitiator Initiator => (Value & 0x1) == 0 ? StreamInitiator.Client : StreamInitiator.Server;

    /// <summary>Whether the stream is bidirectional or unidirectional.</summary>
    public StreamDirection Direction => (Value & 0x2) == 0 ? StreamDirection.Bidirectional : StreamDirection.Unidirectional;

    /// <summary>The stream's position among streams of its type (0 for the first).</summary>
    public ulong Index => Value >> 2;

    /// <summary>Whether the endpoint playing <paramref name="localRole"/> opened this stream.</summary>
    public bool IsLocal(StreamInitiator localRole) => Initiator == localRole;

    /// <summary>Whether the endpoint playing <paramref name="localRole"/> may send on this stream.</summary>
    public bool CanSend(StreamInitiator localRole) => Direction == StreamDirection.Bidirectional || IsLocal(localRole);

    /// <summary>Whether the endpoint playing <paramref name="localRole"/> may receive on this stream.</summary>
    public bool CanReceive(StreamInitiator localRole) => Direction == StreamDirection.Bidirectional || !IsLocal(localRole);

    /// <summary>The id of the <paramref name="index"/>-th stream of a type.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index does not fit a 62-bit stream id.</exception>
    public static StreamId Create(StreamInitiator initiator, StreamDirection direction, ulong index)
    {
        if (index >= MaxStreamCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "A stream index is below 2^60.");
        }

        return new StreamId((index << 2) | ((ulong)direction << 1) | (ulong)initiator);
    }

    /// <inheritdoc/>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
