// Design: decoding walks the (id, length, value) sequence once (RFC 9000 §18). Each value is checked in
// isolation against §18.2 (exact varint length, range limits, fixed sizes, server-only ids); then the
// few cross-parameter rules (§7.3 presence of connection IDs, §18.2 preferred address vs. a zero-length
// connection ID) are checked on the result. Duplicate detection uses a 64-bit mask for the known ids and
// a set for the rest, so a hostile list of many unknown ids costs linear time. Every failure is a
// QuicProtocolException with TRANSPORT_PARAMETER_ERROR; input bytes are never trusted for sizes beyond
// the buffer (WireReader bounds every read).

using System.Diagnostics;

namespace Mycnet.Networking.Quic.Core.Wire;

internal sealed partial class TransportParameters
{
    /// <summary>
    /// Decodes the peer's transport parameters.
    /// </summary>
    /// <param name="encoded">The quic_transport_parameters extension body.</param>
    /// <param name="sentByServer">True when the peer is the server (this endpoint is a client).</param>
    /// <exception cref="QuicProtocolException">TRANSPORT_PARAMETER_ERROR: malformed, duplicate, out of range, server-only from a client, or a required connection ID missing.</exception>
    public static TransportParameters Decode(ReadOnlySpan<byte> encoded, bool sentByServer)
    {
        var result = new TransportParameters();
        var reader = new WireReader(encoded);
        ulong seenKnown = 0;
        HashSet<ulong>? seenOther = null;

        while (!reader.IsEnd)
        {
            if (!reader.TryReadVarInt(out ulong id) || !reader.TryReadVarIntLengthPrefixed(out ReadOnlySpan<byte> value))
            {
                throw Error("the parameter list is truncated or a length runs past its end");
            }

            if (TransportParameterId.IsKnown(id))
            {
                ulong bit = 1UL << (int)id;
                if ((seenKnown & bit) != 0)
                {
                    throw Error($"parameter 0x{id:x} appears twice");
                }

                seenKnown |= bit;
                if (!sentByServer && TransportParameterId.IsServerOnly(id))
                {
                    throw Error($"a client sent the server-only parameter 0x{id:x}");
                }

                result.ApplyKnown(id, value);
            }
            else
            {
                seenOther ??= [];
                if (!seenOther.Add(id))
                {
                    throw Error($"parameter 0x{id:x} appears twice");
                }

                // Unknown parameters are ignored (RFC 9000 §7.4.2); grease ids carry no meaning at all.
                if (!TransportParameterId.IsReserved(id))
                {
                    result.AdditionalParameters.Add(new TransportParameter(id, value.ToArray()));
                }
            }
        }

        // RFC 9000 §7.3: both endpoints send initial_source_connection_id; a server sends original_destination_connection_id.
        if (!result.InitialSourceConnectionId.HasValue)
        {
            throw Error("initial_source_connection_id is missing");
        }

        if (sentByServer && !result.OriginalDestinationConnectionId.HasValue)
        {
            throw Error("the server did not send original_destination_connection_id");
        }

        // RFC 9000 §18.2: a server using zero-length connection IDs must not send a preferred address.
        if (result.PreferredAddress is not null && result.InitialSourceConnectionId.Value.IsEmpty)
        {
            throw Error("preferred_address sent with a zero-length connection ID");
        }

        return result;
    }

    private void ApplyKnown(ulong id, ReadOnlySpan<byte> value)
    {
        switch (id)
        {
            case TransportParameterId.OriginalDestinationConnectionId:
                OriginalDestinationConnectionId = ReadConnectionId(id, value);
                break;
            case TransportParameterId.MaxIdleTimeout:
                MaxIdleTimeoutMilliseconds = ReadInteger(id, value);
                break;
            case TransportParameterId.StatelessResetToken:
                if (value.Length != Wire.StatelessResetToken.Length)
                {
                    throw Error("stateless_reset_token is not 16 bytes");
                }

                StatelessResetToken = new StatelessResetToken(value);
                break;
            case TransportParameterId.MaxUdpPayloadSize:
                MaxUdpPayloadSize = ReadInteger(id, value);
                if (MaxUdpPayloadSize < MinMaxUdpPayloadSize)
                {
                    throw Error("max_udp_payload_size is below 1200");
                }

                break;
            case TransportParameterId.InitialMaxData:
                InitialMaxData = ReadInteger(id, value);
                break;
            case TransportParameterId.InitialMaxStreamDataBidiLocal:
                InitialMaxStreamDataBidiLocal = ReadInteger(id, value);
                break;
            case TransportParameterId.InitialMaxStreamDataBidiRemote:
                InitialMaxStreamDataBidiRemote = ReadInteger(id, value);
                break;
            case TransportParameterId.InitialMaxStreamDataUni:
                InitialMaxStreamDataUni = ReadInteger(id, value);
                break;
            case TransportParameterId.InitialMaxStreamsBidi:
                InitialMaxStreamsBidi = ReadStreamLimit(id, value);
                break;
            case TransportParameterId.InitialMaxStreamsUni:
                InitialMaxStreamsUni = ReadStreamLimit(id, value);
                break;
            case TransportParameterId.AckDelayExponent:
                AckDelayExponent = ReadInteger(id, value);
                if (AckDelayExponent > MaxAckDelayExponent)
                {
                    throw Error("ack_delay_exponent is above 20");
                }

                break;
            case TransportParameterId.MaxAckDelay:
                MaxAckDelayMilliseconds = ReadInteger(id, value);
                if (MaxAckDelayMilliseconds >= MaxAckDelayLimit)
                {
                    throw Error("max_ack_delay is 2^14 or more");
                }

                break;
            case TransportParameterId.DisableActiveMigration:
                if (!value.IsEmpty)
                {
                    throw Error("disable_active_migration has a value");
                }

                DisableActiveMigration = true;
                break;
            case TransportParameterId.PreferredAddress:
                PreferredAddress = PreferredAddress.TryParse(value) ?? throw Error("preferred_address is malformed");
                break;
            case TransportParameterId.ActiveConnectionIdLimit:
                ActiveConnectionIdLimit = ReadInteger(id, value);
                if (ActiveConnectionIdLimit < 2)
                {
                    throw Error("active_connection_id_limit is below 2");
                }

                break;
            case TransportParameterId.InitialSourceConnectionId:
                InitialSourceConnectionId = ReadConnectionId(id, value);
                break;
            case TransportParameterId.RetrySourceConnectionId:
                RetrySourceConnectionId = ReadConnectionId(id, value);
                break;
            case TransportParameterId.MaxDatagramFrameSize:
                MaxDatagramFrameSize = ReadInteger(id, value);
                break;
            default:
                throw new UnreachableException($"Transport parameter 0x{id:x} is marked known but has no decoder.");
        }
    }

    /// <summary>An integer parameter: exactly one varint filling the value (RFC 9000 §18.2).</summary>
    private static ulong ReadInteger(ulong id, ReadOnlySpan<byte> value)
    {
        if (!VarInt.TryRead(value, out ulong result, out int length) || length != value.Length)
        {
            throw Error($"parameter 0x{id:x} is not a single variable-length integer");
        }

        return result;
    }

    private static ulong ReadStreamLimit(ulong id, ReadOnlySpan<byte> value)
    {
        ulong result = ReadInteger(id, value);
        if (result > MaxStreamsLimit)
        {
            throw Error($"parameter 0x{id:x} allows more than 2^60 streams");
        }

        return result;
    }

    private static ConnectionId ReadConnectionId(ulong id, ReadOnlySpan<byte> value)
    {
        if (!ConnectionId.TryCreate(value, out ConnectionId result))
        {
            throw Error($"parameter 0x{id:x} holds a connection ID longer than 20 bytes");
        }

        return result;
    }

    private static QuicProtocolException Error(string reason) =>
        new(TransportErrorCode.TransportParameterError, "Invalid transport parameters: " + reason + ".");
}
