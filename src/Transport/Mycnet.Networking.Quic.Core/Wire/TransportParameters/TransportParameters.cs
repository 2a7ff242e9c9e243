namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// QUIC transport parameters (RFC 9000 §7.4, §18; RFC 9221 §3): every parameter with its RFC default,
/// plus <see cref="AdditionalParameters"/> for extensions this type does not model. Carried in the TLS
/// quic_transport_parameters extension.
/// </summary>
/// <remarks>
/// Encode with <see cref="GetEncodedLength"/> + <see cref="Write"/> (or <see cref="Encode"/>); decode the
/// peer's with <see cref="Decode"/>, which throws <see cref="QuicProtocolException"/> with
/// TRANSPORT_PARAMETER_ERROR on anything the RFC calls invalid. Durations are kept as the raw wire values
/// (milliseconds); <see cref="GetMaxIdleTimeout"/> and <see cref="GetMaxAckDelay"/> convert.
/// Connection ID authentication (RFC 9000 §7.3: comparing these IDs with the packet headers) is the
/// connection's job; <see cref="Decode"/> checks only that the IDs every endpoint must send are present.
/// </remarks>
internal sealed partial class TransportParameters
{
    /// <summary>The default and largest max_udp_payload_size.</summary>
    public const ulong DefaultMaxUdpPayloadSize = 65527;

    /// <summary>The smallest valid max_udp_payload_size.</summary>
    public const ulong MinMaxUdpPayloadSize = 1200;

    public const ulong DefaultAckDelayExponent = 3;

    /// <summary>The largest valid ack_delay_exponent.</summary>
    public const ulong MaxAckDelayExponent = 20;

    public const ulong DefaultMaxAckDelayMilliseconds = 25;

    /// <summary>max_ack_delay values of 2^14 or more are invalid.</summary>
    public const ulong MaxAckDelayLimit = 1UL << 14;

    public const ulong DefaultActiveConnectionIdLimit = 2;

    /// <summary>The largest valid initial_max_streams_bidi / _uni: 2^60.</summary>
    public const ulong MaxStreamsLimit = 1UL << 60;

    /// <summary>original_destination_connection_id (0x00): server only.</summary>
    public ConnectionId? OriginalDestinationConnectionId { get; set; }

    /// <summary>max_idle_timeout (0x01) in milliseconds; 0 means no idle timeout.</summary>
    public ulong MaxIdleTimeoutMilliseconds { get; set; }

    /// <summary>stateless_reset_token (0x02): server only.</summary>
    public StatelessResetToken? StatelessResetToken { get; set; }

    /// <summary>max_udp_payload_size (0x03); default 65527, at least 1200.</summary>
    public ulong MaxUdpPayloadSize { get; set; } = DefaultMaxUdpPayloadSize;

    /// <summary>initial_max_data (0x04).</summary>
    public ulong InitialMaxData { get; set; }

    /// <summary>initial_max_stream_data_bidi_local (0x05).</summary>
    public ulong InitialMaxStreamDataBidiLocal { get; set; }

    /// <summary>initial_max_stream_data_bidi_remote (0x06).</summary>
    public ulong InitialMaxStreamDataBidiRemote { get; set; }

    /// <summary>initial_max_stream_data_uni (0x07).</summary>
    public ulong InitialMaxStreamDataUni { get; set; }

    /// <summary>initial_max_streams_bidi (0x08); at most 2^60.</summary>
    public ulong InitialMaxStreamsBidi { get; set; }

    /// <summary>initial_max_streams_uni (0x09); at most 2^60.</summary>
    public ulong InitialMaxStreamsUni { get; set; }

    /// <summary>ack_delay_exponent (0x0a); default 3, at most 20.</summary>
    public ulong AckDelayExponent { get; set; } = DefaultAckDelayExponent;

    /// <summary>max_ack_delay (0x0b) in milliseconds; default 25, below 2^14.</summary>
    public ulong MaxAckDelayMilliseconds { get; set; } = DefaultMaxAckDelayMilliseconds;

    /// <summary>disable_active_migration (0x0c).</summary>
    public bool DisableActiveMigration { get; set; }

    /// <summary>preferred_address (0x0d): server only.</summary>
    public PreferredAddress? PreferredAddress { get; set; }

    /// <summary>active_connection_id_limit (0x0e); default 2, at least 2.</summary>
    public ulong ActiveConnectionIdLimit { get; set; } = DefaultActiveConnectionIdLimit;

    /// <summary>initial_source_connection_id (0x0f): sent by both endpoints.</summary>
    public ConnectionId? InitialSourceConnectionId { get; set; }

    /// <summary>retry_source_connection_id (0x10): server only, after a Retry.</summary>
    public ConnectionId? RetrySourceConnectionId { get; set; }

    /// <summary>max_datagram_frame_size (0x20, RFC 9221 §3); null = absent = DATAGRAM frames not supported.</summary>
    public ulong? MaxDatagramFrameSize { get; set; }

    /// <summary>
    /// Parameters carried opaquely: on encode, written after the known ones (ids must not collide with a
    /// known id or each other); on decode, the unknown ids received, except reserved (grease) ids.
    /// </summary>
    public IList<TransportParameter> AdditionalParameters { get; } = new List<TransportParameter>();

    /// <summary>The idle timeout, or null when disabled (0). Saturates at <see cref="TimeSpan.MaxValue"/>.</summary>
    public TimeSpan? GetMaxIdleTimeout() =>
        MaxIdleTimeoutMilliseconds == 0 ? null : MillisecondsToTimeSpan(MaxIdleTimeoutMilliseconds);

    /// <summary>max_ack_delay as a duration.</summary>
    public TimeSpan GetMaxAckDelay() => MillisecondsToTimeSpan(MaxAckDelayMilliseconds);

    private static TimeSpan MillisecondsToTimeSpan(ulong milliseconds) =>
        milliseconds > (ulong)TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(milliseconds);
}
