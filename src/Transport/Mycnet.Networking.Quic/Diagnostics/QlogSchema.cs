using System.Text.Json;
using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Quic.Diagnostics;

/// <summary>
/// The qlog vocabulary this writer emits: the QlogFileSeq header of the main schema
/// (draft-ietf-quic-qlog-main-schema-14, §5 and §11.2) and the QUIC event schema of
/// draft-ietf-quic-qlog-quic-events-13. Names are pre-encoded once so that writing an event
/// transcodes nothing.
/// </summary>
internal static class QlogSchema
{
    /// <summary>The QlogFileSeq schema URI (main schema §5).</summary>
    public const string FileSchema = "urn:ietf:params:qlog:file:sequential";

    /// <summary>The JSON-SEQ media type (main schema §11.2).</summary>
    public const string SerializationFormat = "application/qlog+json-seq";

    /// <summary>
    /// The QUIC event schema URI. Until the RFC exists a draft implementation must append the
    /// draft number (quic-events §2.1); this follows draft 13.
    /// </summary>
    public const string QuicEventSchema = "urn:ietf:params:qlog:events:quic-13";

    /// <summary>The generic loglevel event schema (main schema §9.1), used for the writer's own warnings.</summary>
    public const string LogLevelEventSchema = "urn:ietf:params:qlog:events:loglevel";

    /// <summary>The file extension for JSON-SEQ qlog (main schema §11.2).</summary>
    public const string FileExtension = ".sqlog";

    /// <summary>RFC 7464 record separator.</summary>
    public const byte RecordSeparator = 0x1E;

    /// <summary>RFC 7464 record terminator.</summary>
    public const byte LineFeed = 0x0A;

    public static string VantagePoint(bool isServer) => isServer ? "server" : "client";

    /// <summary>The qlog file name for a connection (main schema §12.1, quic-events §1.1): <c>odcid_vantage.sqlog</c>.</summary>
    public static string FileName(ConnectionId originalDestinationConnectionId, bool isServer) =>
        $"{(originalDestinationConnectionId.IsEmpty ? "unknown" : originalDestinationConnectionId.ToString())}_{VantagePoint(isServer)}{FileExtension}";

    /// <summary>$PacketType for a packet number space (the engine neither sends nor accepts 0-RTT).</summary>
    public static JsonEncodedText PacketType(PacketNumberSpace space) => space switch
    {
        PacketNumberSpace.Initial => Values.Initial,
        PacketNumberSpace.Handshake => Values.Handshake,
        _ => Values.OneRtt,
    };

    /// <summary>$TransportError or CryptoError (quic-events §8.13, TransportError and CryptoError) for a transport error code; null when unknown.</summary>
    public static string? TransportError(ulong code) => code switch
    {
        0x00 => "no_error",
        0x01 => "internal_error",
        0x02 => "connection_refused",
        0x03 => "flow_control_error",
        0x04 => "stream_limit_error",
        0x05 => "stream_state_error",
        0x06 => "final_size_error",
        0x07 => "frame_encoding_error",
        0x08 => "transport_parameter_error",
        0x09 => "connection_id_limit_error",
        0x0a => "protocol_violation",
        0x0b => "invalid_token",
        0x0c => "application_error",
        0x0d => "crypto_buffer_exceeded",
        0x0e => "key_update_error",
        0x0f => "aead_limit_reached",
        0x10 => "no_viable_path",
        >= 0x100 and <= 0x1ff => CryptoErrors[(int)(code - 0x100)],
        _ => null,
    };

    /// <summary>The packet_dropped trigger (quic-events §5.7) for the core's drop reasons.</summary>
    public static JsonEncodedText DropTrigger(string reason) => reason switch
    {
        "duplicate" => Values.Duplicate,
        "decryption_failure" or "header_protection" => Values.DecryptionFailure,
        "key_discarded" or "keys_unavailable" => Values.KeyUnavailable,
        "unsupported_packet_type" or "version_mismatch" => Values.Unsupported,
        "invalid_retry" => Values.Invalid,
        "scid_changed" => Values.Rejected,
        _ => Values.General,
    };

    /// <summary>The $KeyType for an NSS key-log label (quic-events §8.11); null for labels QUIC does not use.</summary>
    public static JsonEncodedText? KeyType(string keyLogLabel) => keyLogLabel switch
    {
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET" => Values.ClientHandshakeSecret,
        "SERVER_HANDSHAKE_TRAFFIC_SECRET" => Values.ServerHandshakeSecret,
        "CLIENT_TRAFFIC_SECRET_0" => Values.ClientOneRttSecret,
        "SERVER_TRAFFIC_SECRET_0" => Values.ServerOneRttSecret,
        "CLIENT_EARLY_TRAFFIC_SECRET" => Values.ClientZeroRttSecret,
        _ => null,
    };

    private static readonly string[] CryptoErrors = CreateCryptoErrors();

    private static string[] CreateCryptoErrors()
    {
        string[] names = new string[256];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = $"crypto_error_0x1{i:x2}";
        }

        return names;
    }

    /// <summary>Event names (namespace:type).</summary>
    public static class Events
    {
        public static readonly JsonEncodedText ConnectionStarted = JsonEncodedText.Encode("quic:connection_started");
        public static readonly JsonEncodedText ConnectionClosed = JsonEncodedText.Encode("quic:connection_closed");
        public static readonly JsonEncodedText ConnectionStateUpdated = JsonEncodedText.Encode("quic:connection_state_updated");
        public static readonly JsonEncodedText VersionInformation = JsonEncodedText.Encode("quic:version_information");
        public static readonly JsonEncodedText ParametersSet = JsonEncodedText.Encode("quic:parameters_set");
        public static readonly JsonEncodedText PacketSent = JsonEncodedText.Encode("quic:packet_sent");
        public static readonly JsonEncodedText PacketReceived = JsonEncodedText.Encode("quic:packet_received");
        public static readonly JsonEncodedText PacketDropped = JsonEncodedText.Encode("quic:packet_dropped");
        public static readonly JsonEncodedText PacketLost = JsonEncodedText.Encode("quic:packet_lost");
        public static readonly JsonEncodedText RecoveryMetricsUpdated = JsonEncodedText.Encode("quic:recovery_metrics_updated");
        public static readonly JsonEncodedText KeyUpdated = JsonEncodedText.Encode("quic:key_updated");
        public static readonly JsonEncodedText TupleAssigned = JsonEncodedText.Encode("quic:tuple_assigned");
        public static readonly JsonEncodedText MigrationStateUpdated = JsonEncodedText.Encode("quic:migration_state_updated");
        public static readonly JsonEncodedText Warning = JsonEncodedText.Encode("loglevel:warning");
    }

    /// <summary>Field names.</summary>
    public static class Fields
    {
        public static readonly JsonEncodedText Time = JsonEncodedText.Encode("time");
        public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
        public static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");
        public static readonly JsonEncodedText Header = JsonEncodedText.Encode("header");
        public static readonly JsonEncodedText PacketType = JsonEncodedText.Encode("packet_type");
        public static readonly JsonEncodedText PacketNumber = JsonEncodedText.Encode("packet_number");
        public static readonly JsonEncodedText KeyPhaseBit = JsonEncodedText.Encode("key_phase_bit");
        public static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
        public static readonly JsonEncodedText Dcil = JsonEncodedText.Encode("dcil");
        public static readonly JsonEncodedText Dcid = JsonEncodedText.Encode("dcid");
        public static readonly JsonEncodedText Scil = JsonEncodedText.Encode("scil");
        public static readonly JsonEncodedText Scid = JsonEncodedText.Encode("scid");
        public static readonly JsonEncodedText Frames = JsonEncodedText.Encode("frames");
        public static readonly JsonEncodedText FramesOmitted = JsonEncodedText.Encode("frames_omitted");
        public static readonly JsonEncodedText Raw = JsonEncodedText.Encode("raw");
        public static readonly JsonEncodedText Length = JsonEncodedText.Encode("length");
        public static readonly JsonEncodedText PayloadLength = JsonEncodedText.Encode("payload_length");
        public static readonly JsonEncodedText FrameType = JsonEncodedText.Encode("frame_type");
        public static readonly JsonEncodedText FrameTypeBytes = JsonEncodedText.Encode("frame_type_bytes");
        public static readonly JsonEncodedText AckDelay = JsonEncodedText.Encode("ack_delay");
        public static readonly JsonEncodedText AckedRanges = JsonEncodedText.Encode("acked_ranges");
        public static readonly JsonEncodedText AckedRangesOmitted = JsonEncodedText.Encode("acked_ranges_omitted");
        public static readonly JsonEncodedText LargestAcknowledged = JsonEncodedText.Encode("largest_acknowledged");
        public static readonly JsonEncodedText Ect0 = JsonEncodedText.Encode("ect0");
        public static readonly JsonEncodedText Ect1 = JsonEncodedText.Encode("ect1");
        public static readonly JsonEncodedText Ce = JsonEncodedText.Encode("ce");
        public static readonly JsonEncodedText StreamId = JsonEncodedText.Encode("stream_id");
        public static readonly JsonEncodedText StreamType = JsonEncodedText.Encode("stream_type");
        public static readonly JsonEncodedText Offset = JsonEncodedText.Encode("offset");
        public static readonly JsonEncodedText Fin = JsonEncodedText.Encode("fin");
        public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
        public static readonly JsonEncodedText ErrorCode = JsonEncodedText.Encode("error_code");
        public static readonly JsonEncodedText ErrorSpace = JsonEncodedText.Encode("error_space");
        public static readonly JsonEncodedText FinalSize = JsonEncodedText.Encode("final_size");
        public static readonly JsonEncodedText Token = JsonEncodedText.Encode("token");
        public static readonly JsonEncodedText Maximum = JsonEncodedText.Encode("maximum");
        public static readonly JsonEncodedText Limit = JsonEncodedText.Encode("limit");
        public static readonly JsonEncodedText SequenceNumber = JsonEncodedText.Encode("sequence_number");
        public static readonly JsonEncodedText RetirePriorTo = JsonEncodedText.Encode("retire_prior_to");
        public static readonly JsonEncodedText ConnectionIdLength = JsonEncodedText.Encode("connection_id_length");
        public static readonly JsonEncodedText ConnectionId = JsonEncodedText.Encode("connection_id");
        public static readonly JsonEncodedText ConnectionIds = JsonEncodedText.Encode("connection_ids");
        public static readonly JsonEncodedText StatelessResetToken = JsonEncodedText.Encode("stateless_reset_token");
        public static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
        public static readonly JsonEncodedText ReasonBytes = JsonEncodedText.Encode("reason_bytes");
        public static readonly JsonEncodedText TriggerFrameType = JsonEncodedText.Encode("trigger_frame_type");
        public static readonly JsonEncodedText Trigger = JsonEncodedText.Encode("trigger");
        public static readonly JsonEncodedText Details = JsonEncodedText.Encode("details");
        public static readonly JsonEncodedText Local = JsonEncodedText.Encode("local");
        public static readonly JsonEncodedText Remote = JsonEncodedText.Encode("remote");
        public static readonly JsonEncodedText IpV4 = JsonEncodedText.Encode("ip_v4");
        public static readonly JsonEncodedText PortV4 = JsonEncodedText.Encode("port_v4");
        public static readonly JsonEncodedText IpV6 = JsonEncodedText.Encode("ip_v6");
        public static readonly JsonEncodedText PortV6 = JsonEncodedText.Encode("port_v6");
        public static readonly JsonEncodedText Old = JsonEncodedText.Encode("old");
        public static readonly JsonEncodedText New = JsonEncodedText.Encode("new");
        public static readonly JsonEncodedText Initiator = JsonEncodedText.Encode("initiator");
        public static readonly JsonEncodedText ConnectionError = JsonEncodedText.Encode("connection_error");
        public static readonly JsonEncodedText ApplicationError = JsonEncodedText.Encode("application_error");
        public static readonly JsonEncodedText KeyType = JsonEncodedText.Encode("key_type");
        public static readonly JsonEncodedText KeyPhase = JsonEncodedText.Encode("key_phase");
        public static readonly JsonEncodedText MinRtt = JsonEncodedText.Encode("min_rtt");
        public static readonly JsonEncodedText SmoothedRtt = JsonEncodedText.Encode("smoothed_rtt");
        public static readonly JsonEncodedText LatestRtt = JsonEncodedText.Encode("latest_rtt");
        public static readonly JsonEncodedText RttVariance = JsonEncodedText.Encode("rtt_variance");
        public static readonly JsonEncodedText CongestionWindow = JsonEncodedText.Encode("congestion_window");
        public static readonly JsonEncodedText BytesInFlight = JsonEncodedText.Encode("bytes_in_flight");
        public static readonly JsonEncodedText TupleId = JsonEncodedText.Encode("tuple_id");
        public static readonly JsonEncodedText TupleLocal = JsonEncodedText.Encode("tuple_local");
        public static readonly JsonEncodedText TupleRemote = JsonEncodedText.Encode("tuple_remote");
        public static readonly JsonEncodedText ClientVersions = JsonEncodedText.Encode("client_versions");
        public static readonly JsonEncodedText ServerVersions = JsonEncodedText.Encode("server_versions");
        public static readonly JsonEncodedText ChosenVersion = JsonEncodedText.Encode("chosen_version");
        public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
        public static readonly JsonEncodedText DroppedEvents = JsonEncodedText.Encode("dropped_events");
    }

    /// <summary>Enumerated string values.</summary>
    public static class Values
    {
        public static readonly JsonEncodedText Initial = JsonEncodedText.Encode("initial");
        public static readonly JsonEncodedText Handshake = JsonEncodedText.Encode("handshake");
        public static readonly JsonEncodedText OneRtt = JsonEncodedText.Encode("1RTT");
        public static readonly JsonEncodedText Local = JsonEncodedText.Encode("local");
        public static readonly JsonEncodedText Remote = JsonEncodedText.Encode("remote");
        public static readonly JsonEncodedText Transport = JsonEncodedText.Encode("transport");
        public static readonly JsonEncodedText Application = JsonEncodedText.Encode("application");
        public static readonly JsonEncodedText Unknown = JsonEncodedText.Encode("unknown");
        public static readonly JsonEncodedText Bidirectional = JsonEncodedText.Encode("bidirectional");
        public static readonly JsonEncodedText Unidirectional = JsonEncodedText.Encode("unidirectional");
        public static readonly JsonEncodedText Version1 = JsonEncodedText.Encode("00000001");

        // Frame types (quic-events §8.13).
        public static readonly JsonEncodedText Padding = JsonEncodedText.Encode("padding");
        public static readonly JsonEncodedText Ping = JsonEncodedText.Encode("ping");
        public static readonly JsonEncodedText Ack = JsonEncodedText.Encode("ack");
        public static readonly JsonEncodedText ResetStream = JsonEncodedText.Encode("reset_stream");
        public static readonly JsonEncodedText StopSending = JsonEncodedText.Encode("stop_sending");
        public static readonly JsonEncodedText Crypto = JsonEncodedText.Encode("crypto");
        public static readonly JsonEncodedText NewToken = JsonEncodedText.Encode("new_token");
        public static readonly JsonEncodedText Stream = JsonEncodedText.Encode("stream");
        public static readonly JsonEncodedText MaxData = JsonEncodedText.Encode("max_data");
        public static readonly JsonEncodedText MaxStreamData = JsonEncodedText.Encode("max_stream_data");
        public static readonly JsonEncodedText MaxStreams = JsonEncodedText.Encode("max_streams");
        public static readonly JsonEncodedText DataBlocked = JsonEncodedText.Encode("data_blocked");
        public static readonly JsonEncodedText StreamDataBlocked = JsonEncodedText.Encode("stream_data_blocked");
        public static readonly JsonEncodedText StreamsBlocked = JsonEncodedText.Encode("streams_blocked");
        public static readonly JsonEncodedText NewConnectionId = JsonEncodedText.Encode("new_connection_id");
        public static readonly JsonEncodedText RetireConnectionId = JsonEncodedText.Encode("retire_connection_id");
        public static readonly JsonEncodedText PathChallenge = JsonEncodedText.Encode("path_challenge");
        public static readonly JsonEncodedText PathResponse = JsonEncodedText.Encode("path_response");
        public static readonly JsonEncodedText ConnectionClose = JsonEncodedText.Encode("connection_close");
        public static readonly JsonEncodedText HandshakeDone = JsonEncodedText.Encode("handshake_done");
        public static readonly JsonEncodedText Datagram = JsonEncodedText.Encode("datagram");

        // Connection states (quic-events §4.6).
        public static readonly JsonEncodedText Attempted = JsonEncodedText.Encode("attempted");
        public static readonly JsonEncodedText HandshakeComplete = JsonEncodedText.Encode("handshake_complete");
        public static readonly JsonEncodedText HandshakeConfirmed = JsonEncodedText.Encode("handshake_confirmed");
        public static readonly JsonEncodedText Closing = JsonEncodedText.Encode("closing");
        public static readonly JsonEncodedText Draining = JsonEncodedText.Encode("draining");
        public static readonly JsonEncodedText Closed = JsonEncodedText.Encode("closed");

        // packet_dropped triggers (quic-events §5.7).
        public static readonly JsonEncodedText Duplicate = JsonEncodedText.Encode("duplicate");
        public static readonly JsonEncodedText DecryptionFailure = JsonEncodedText.Encode("decryption_failure");
        public static readonly JsonEncodedText KeyUnavailable = JsonEncodedText.Encode("key_unavailable");
        public static readonly JsonEncodedText Unsupported = JsonEncodedText.Encode("unsupported");
        public static readonly JsonEncodedText Invalid = JsonEncodedText.Encode("invalid");
        public static readonly JsonEncodedText Rejected = JsonEncodedText.Encode("rejected");
        public static readonly JsonEncodedText General = JsonEncodedText.Encode("general");

        // Key types and triggers (quic-events §6.1, §8.11).
        public static readonly JsonEncodedText ClientInitialSecret = JsonEncodedText.Encode("client_initial_secret");
        public static readonly JsonEncodedText ServerInitialSecret = JsonEncodedText.Encode("server_initial_secret");
        public static readonly JsonEncodedText ClientHandshakeSecret = JsonEncodedText.Encode("client_handshake_secret");
        public static readonly JsonEncodedText ServerHandshakeSecret = JsonEncodedText.Encode("server_handshake_secret");
        public static readonly JsonEncodedText ClientZeroRttSecret = JsonEncodedText.Encode("client_0rtt_secret");
        public static readonly JsonEncodedText ClientOneRttSecret = JsonEncodedText.Encode("client_1rtt_secret");
        public static readonly JsonEncodedText ServerOneRttSecret = JsonEncodedText.Encode("server_1rtt_secret");
        public static readonly JsonEncodedText Tls = JsonEncodedText.Encode("tls");
        public static readonly JsonEncodedText LocalUpdate = JsonEncodedText.Encode("local_update");
        public static readonly JsonEncodedText RemoteUpdate = JsonEncodedText.Encode("remote_update");

        // connection_closed triggers (quic-events §4.3).
        public static readonly JsonEncodedText IdleTimeout = JsonEncodedText.Encode("idle_timeout");
        public static readonly JsonEncodedText ErrorTrigger = JsonEncodedText.Encode("error");
        public static readonly JsonEncodedText VersionMismatch = JsonEncodedText.Encode("version_mismatch");
        public static readonly JsonEncodedText StatelessReset = JsonEncodedText.Encode("stateless_reset");
        public static readonly JsonEncodedText Unspecified = JsonEncodedText.Encode("unspecified");

        // migration_state_updated (quic-events §5.20).
        public static readonly JsonEncodedText MigrationComplete = JsonEncodedText.Encode("migration_complete");
    }
}
