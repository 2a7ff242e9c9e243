using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Diagnostics.QlogSchema;

namespace Mycnet.Networking.Quic.Diagnostics;

/// <content>
/// The file header (main schema §5, §6, §7.1), endpoints and tuples (quic-events §8.5), received
/// packet headers (§8.8), transport parameters (§5.3) and connection_closed (§4.3).
/// </content>
internal sealed partial class QlogTracer
{
    private void WriteHeader()
    {
        _headerPending = false;
        _scratch.ResetWrittenCount();
        _scratch.GetSpan(1)[0] = RecordSeparator;
        _scratch.Advance(1);
        _json.Reset(_scratch);
        _json.WriteStartObject();

        // The schema and format come first: tools sniff the first 256 bytes (main schema §3).
        _json.WriteString("file_schema", FileSchema);
        _json.WriteString("serialization_format", SerializationFormat);
        _json.WriteString("title", "Mycnet.Networking QUIC");
        _json.WriteStartObject("trace");
        _json.WriteStartObject("common_fields");
        WriteHex(HeaderFields.GroupId, _originalDcid.Span);
        _json.WriteString("time_format", "relative_to_epoch");

        // The core's clock is monotonic with an arbitrary origin: time 0 is the connection's
        // start, and the wall clock at that moment is given for orientation (main schema §7.1).
        _json.WriteStartObject("reference_time");
        _json.WriteString("clock_type", "monotonic");
        _json.WriteString("epoch", "unknown");
        _json.WriteString("wall_clock_time", _wallClockAtStart.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteStartObject("vantage_point");
        _json.WriteString("name", _vantagePointName);
        _json.WriteString("type", VantagePoint(_isServer));
        _json.WriteEndObject();
        _json.WriteStartArray("event_schemas");
        _json.WriteStringValue(QuicEventSchema);
        _json.WriteStringValue(LogLevelEventSchema);
        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.WriteEndObject();
        CommitRecord();
    }

    /// <summary>TupleEndpointInfo fields: the address in the family's fields, and the connection ID.</summary>
    private void WriteEndpointFields(IPEndPoint endPoint, ConnectionId connectionId)
    {
        WriteAddress(endPoint);
        _json.WriteStartArray(Fields.ConnectionIds);
        Span<char> hex = stackalloc char[ConnectionId.MaxLength * 2];
        Convert.TryToHexStringLower(connectionId.Span, hex, out int written);
        _json.WriteStringValue(hex[..written]);
        _json.WriteEndArray();
    }

    private void WriteTuple(IPEndPoint local, IPEndPoint remote)
    {
        _json.WriteStartObject(Fields.TupleLocal);
        WriteAddress(local);
        _json.WriteEndObject();
        _json.WriteStartObject(Fields.TupleRemote);
        WriteAddress(remote);
        _json.WriteEndObject();
    }

    private void WriteAddress(IPEndPoint endPoint)
    {
        IPAddress address = endPoint.Address;
        bool v4 = address.AddressFamily == AddressFamily.InterNetwork || address.IsIPv4MappedToIPv6;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<char> text = stackalloc char[64];
        if (address.TryFormat(text, out int length))
        {
            _json.WriteString(v4 ? Fields.IpV4 : Fields.IpV6, text[..length]);
        }

        _json.WriteNumber(v4 ? Fields.PortV4 : Fields.PortV6, endPoint.Port);
    }

    /// <summary>PacketHeader fields beyond type and number, read from the unprotected header bytes (RFC 9000 §17).</summary>
    private void WriteReceivedHeaderFields(ReadOnlySpan<byte> header)
    {
        if (header.IsEmpty)
        {
            return;
        }

        byte first = header[0];
        if ((first & 0x80) == 0)
        {
            // Short header (§17.3.1): the Key Phase bit. The DCID is ours and is logged when it changes.
            _json.WriteBoolean(Fields.KeyPhaseBit, (first & 0x04) != 0);
            return;
        }

        // Long header (§17.2): version, then length-prefixed DCID and SCID.
        var reader = new WireReader(header[1..]);
        if (!reader.TryReadUInt32(out uint version) || !reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> dcid) ||
            !reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> scid))
        {
            return;
        }

        Span<byte> versionBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(versionBytes, version);
        WriteHex(Fields.Version, versionBytes);
        _json.WriteNumber(Fields.Dcil, dcid.Length);
        WriteHex(Fields.Dcid, dcid);
        _json.WriteNumber(Fields.Scil, scid.Length);
        WriteHex(Fields.Scid, scid);
    }

    private void WriteParameters(bool isLocal, TransportParameters p)
    {
        _json.WriteString(Fields.Initiator, isLocal ? Values.Local : Values.Remote);
        if (p.OriginalDestinationConnectionId is { } odcid)
        {
            WriteHex(ParameterFields.OriginalDestinationConnectionId, odcid.Span);
        }

        if (p.InitialSourceConnectionId is { } iscid)
        {
            WriteHex(ParameterFields.InitialSourceConnectionId, iscid.Span);
        }

        if (p.RetrySourceConnectionId is { } rscid)
        {
            WriteHex(ParameterFields.RetrySourceConnectionId, rscid.Span);
        }

        if (p.StatelessResetToken is { } token)
        {
            WriteHex(Fields.StatelessResetToken, token.Span);
        }

        _json.WriteBoolean(ParameterFields.DisableActiveMigration, p.DisableActiveMigration);
        _json.WriteNumber(ParameterFields.MaxIdleTimeout, p.MaxIdleTimeoutMilliseconds);
        _json.WriteNumber(ParameterFields.MaxUdpPayloadSize, p.MaxUdpPayloadSize);
        _json.WriteNumber(ParameterFields.AckDelayExponent, p.AckDelayExponent);
        _json.WriteNumber(ParameterFields.MaxAckDelay, p.MaxAckDelayMilliseconds);
        _json.WriteNumber(ParameterFields.ActiveConnectionIdLimit, p.ActiveConnectionIdLimit);
        _json.WriteNumber(ParameterFields.InitialMaxData, p.InitialMaxData);
        _json.WriteNumber(ParameterFields.InitialMaxStreamDataBidiLocal, p.InitialMaxStreamDataBidiLocal);
        _json.WriteNumber(ParameterFields.InitialMaxStreamDataBidiRemote, p.InitialMaxStreamDataBidiRemote);
        _json.WriteNumber(ParameterFields.InitialMaxStreamDataUni, p.InitialMaxStreamDataUni);
        _json.WriteNumber(ParameterFields.InitialMaxStreamsBidi, p.InitialMaxStreamsBidi);
        _json.WriteNumber(ParameterFields.InitialMaxStreamsUni, p.InitialMaxStreamsUni);
        if (p.MaxDatagramFrameSize is { } maxDatagram)
        {
            _json.WriteNumber(ParameterFields.MaxDatagramFrameSize, maxDatagram);
        }

        if (p.PreferredAddress is { } preferred)
        {
            _json.WriteStartObject(ParameterFields.PreferredAddress);
            if (preferred.HasIPv4)
            {
                WriteAddress(preferred.IPv4);
            }

            if (preferred.HasIPv6)
            {
                WriteAddress(preferred.IPv6);
            }

            WriteHex(Fields.ConnectionId, preferred.ConnectionId.Span);
            WriteHex(Fields.StatelessResetToken, preferred.StatelessResetToken.Span);
            _json.WriteEndObject();
        }

        if (p.AdditionalParameters.Count > 0)
        {
            // Unknown and GREASE parameters (RFC 9000 §7.4.2, §18.1): id and (bounded) value.
            _json.WriteStartArray(ParameterFields.UnknownParameters);
            foreach (TransportParameter parameter in p.AdditionalParameters)
            {
                _json.WriteStartObject();
                _json.WriteNumber(ParameterFields.Id, parameter.Id);
                WriteHex(ParameterFields.Value, parameter.Value);
                _json.WriteEndObject();
            }

            _json.WriteEndArray();
        }
    }

    private void WriteConnectionClosed(ConnectionCloseInfo info)
    {
        bool remote = info.Reason is CloseReason.PeerClosed or CloseReason.StatelessReset;
        _json.WriteString(Fields.Initiator, remote ? Values.Remote : Values.Local);
        if (info.Reason is CloseReason.LocallyClosed or CloseReason.PeerClosed)
        {
            WriteErrorCode(info.IsApplicationError ? Fields.ApplicationError : Fields.ConnectionError, info.IsApplicationError, info.ErrorCode);
        }

        if (info.ReasonPhrase.Length > 0)
        {
            _json.WriteString(Fields.Reason, info.ReasonPhrase);
        }

        JsonEncodedText trigger = info.Reason switch
        {
            CloseReason.IdleTimeout => Values.IdleTimeout,
            CloseReason.StatelessReset => Values.StatelessReset,
            CloseReason.VersionNegotiationFailed => Values.VersionMismatch,
            CloseReason.HandshakeTimeout => Values.ErrorTrigger,
            _ when info.IsApplicationError => Values.Application,
            _ when info.ErrorCode != 0 => Values.ErrorTrigger,
            _ => Values.Unspecified,
        };
        _json.WriteString(Fields.Trigger, trigger);
    }

    private static class HeaderFields
    {
        public static readonly JsonEncodedText GroupId = JsonEncodedText.Encode("group_id");
    }

    private static class ParameterFields
    {
        public static readonly JsonEncodedText OriginalDestinationConnectionId = JsonEncodedText.Encode("original_destination_connection_id");
        public static readonly JsonEncodedText InitialSourceConnectionId = JsonEncodedText.Encode("initial_source_connection_id");
        public static readonly JsonEncodedText RetrySourceConnectionId = JsonEncodedText.Encode("retry_source_connection_id");
        public static readonly JsonEncodedText DisableActiveMigration = JsonEncodedText.Encode("disable_active_migration");
        public static readonly JsonEncodedText MaxIdleTimeout = JsonEncodedText.Encode("max_idle_timeout");
        public static readonly JsonEncodedText MaxUdpPayloadSize = JsonEncodedText.Encode("max_udp_payload_size");
        public static readonly JsonEncodedText AckDelayExponent = JsonEncodedText.Encode("ack_delay_exponent");
        public static readonly JsonEncodedText MaxAckDelay = JsonEncodedText.Encode("max_ack_delay");
        public static readonly JsonEncodedText ActiveConnectionIdLimit = JsonEncodedText.Encode("active_connection_id_limit");
        public static readonly JsonEncodedText InitialMaxData = JsonEncodedText.Encode("initial_max_data");
        public static readonly JsonEncodedText InitialMaxStreamDataBidiLocal = JsonEncodedText.Encode("initial_max_stream_data_bidi_local");
        public static readonly JsonEncodedText InitialMaxStreamDataBidiRemote = JsonEncodedText.Encode("initial_max_stream_data_bidi_remote");
        public static readonly JsonEncodedText InitialMaxStreamDataUni = JsonEncodedText.Encode("initial_max_stream_data_uni");
        public static readonly JsonEncodedText InitialMaxStreamsBidi = JsonEncodedText.Encode("initial_max_streams_bidi");
        public static readonly JsonEncodedText InitialMaxStreamsUni = JsonEncodedText.Encode("initial_max_streams_uni");
        public static readonly JsonEncodedText MaxDatagramFrameSize = JsonEncodedText.Encode("max_datagram_frame_size");
        public static readonly JsonEncodedText PreferredAddress = JsonEncodedText.Encode("preferred_address");
        public static readonly JsonEncodedText UnknownParameters = JsonEncodedText.Encode("unknown_parameters");
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
        public static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
    }
}
