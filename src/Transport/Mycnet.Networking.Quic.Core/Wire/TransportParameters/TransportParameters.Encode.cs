namespace Mycnet.Networking.Quic.Core.Wire;

internal sealed partial class TransportParameters
{
    /// <summary>The encoded length of every parameter that differs from its default (or is present).</summary>
    public int GetEncodedLength()
    {
        var writer = new LengthCounter();
        Emit(ref writer);
        return writer.Length;
    }

    /// <summary>Encodes into a new array; <see cref="Write"/> does the same into a caller's buffer.</summary>
    public byte[] Encode(bool sentByServer)
    {
        byte[] bytes = new byte[GetEncodedLength()];
        var writer = new WireWriter(bytes);
        Write(ref writer, sentByServer);
        return bytes;
    }

    /// <summary>
    /// Writes the parameters, in id order, omitting those at their default value. Validates first:
    /// this endpoint must never send what a peer would reject.
    /// </summary>
    /// <exception cref="InvalidOperationException">A value is out of range, a client holds a server-only parameter, or additional ids collide.</exception>
    public void Write(ref WireWriter writer, bool sentByServer)
    {
        ValidateForSending(sentByServer);
        var emitter = new WireEmitter(writer);
        Emit(ref emitter);
        writer = emitter.Writer;
    }

    private void ValidateForSending(bool sentByServer)
    {
        string? problem = null;
        if (MaxUdpPayloadSize < MinMaxUdpPayloadSize || MaxUdpPayloadSize > VarInt.MaxValue)
        {
            problem = "max_udp_payload_size must be at least 1200.";
        }
        else if (AckDelayExponent > MaxAckDelayExponent)
        {
            problem = "ack_delay_exponent must be at most 20.";
        }
        else if (MaxAckDelayMilliseconds >= MaxAckDelayLimit)
        {
            problem = "max_ack_delay must be below 2^14.";
        }
        else if (ActiveConnectionIdLimit < 2 || ActiveConnectionIdLimit > VarInt.MaxValue)
        {
            problem = "active_connection_id_limit must be at least 2.";
        }
        else if (InitialMaxStreamsBidi > MaxStreamsLimit || InitialMaxStreamsUni > MaxStreamsLimit)
        {
            problem = "initial_max_streams_bidi / _uni must be at most 2^60.";
        }
        else if (!sentByServer && (OriginalDestinationConnectionId.HasValue || StatelessResetToken.HasValue || PreferredAddress is not null || RetrySourceConnectionId.HasValue))
        {
            problem = "A client cannot send server-only transport parameters.";
        }
        else
        {
            for (int i = 0; i < AdditionalParameters.Count && problem is null; i++)
            {
                ulong id = AdditionalParameters[i].Id;
                if (TransportParameterId.IsKnown(id) || id > VarInt.MaxValue)
                {
                    problem = $"Additional transport parameter id {id} is a known id or not a valid varint.";
                }

                for (int j = 0; j < i && problem is null; j++)
                {
                    if (AdditionalParameters[j].Id == id)
                    {
                        problem = $"Additional transport parameter id {id} appears twice.";
                    }
                }
            }
        }

        if (problem is not null)
        {
            throw new InvalidOperationException("Invalid local transport parameters: " + problem);
        }
    }

    /// <summary>Visits every parameter to send, once for sizing and once for writing, so the two agree.</summary>
    private void Emit<TSink>(ref TSink sink)
        where TSink : struct, IParameterSink, allows ref struct
    {
        EmitConnectionId(ref sink, TransportParameterId.OriginalDestinationConnectionId, OriginalDestinationConnectionId);
        EmitInteger(ref sink, TransportParameterId.MaxIdleTimeout, MaxIdleTimeoutMilliseconds, 0);
        if (StatelessResetToken is { } token)
        {
            sink.Bytes(TransportParameterId.StatelessResetToken, token.Span);
        }

        EmitInteger(ref sink, TransportParameterId.MaxUdpPayloadSize, MaxUdpPayloadSize, DefaultMaxUdpPayloadSize);
        EmitInteger(ref sink, TransportParameterId.InitialMaxData, InitialMaxData, 0);
        EmitInteger(ref sink, TransportParameterId.InitialMaxStreamDataBidiLocal, InitialMaxStreamDataBidiLocal, 0);
        EmitInteger(ref sink, TransportParameterId.InitialMaxStreamDataBidiRemote, InitialMaxStreamDataBidiRemote, 0);
        EmitInteger(ref sink, TransportParameterId.InitialMaxStreamDataUni, InitialMaxStreamDataUni, 0);
        EmitInteger(ref sink, TransportParameterId.InitialMaxStreamsBidi, InitialMaxStreamsBidi, 0);
        EmitInteger(ref sink, TransportParameterId.InitialMaxStreamsUni, InitialMaxStreamsUni, 0);
        EmitInteger(ref sink, TransportParameterId.AckDelayExponent, AckDelayExponent, DefaultAckDelayExponent);
        EmitInteger(ref sink, TransportParameterId.MaxAckDelay, MaxAckDelayMilliseconds, DefaultMaxAckDelayMilliseconds);
        if (DisableActiveMigration)
        {
            sink.Bytes(TransportParameterId.DisableActiveMigration, default);
        }

        if (PreferredAddress is { } preferred)
        {
            sink.PreferredAddress(preferred);
        }

        EmitInteger(ref sink, TransportParameterId.ActiveConnectionIdLimit, ActiveConnectionIdLimit, DefaultActiveConnectionIdLimit);
        EmitConnectionId(ref sink, TransportParameterId.InitialSourceConnectionId, InitialSourceConnectionId);
        EmitConnectionId(ref sink, TransportParameterId.RetrySourceConnectionId, RetrySourceConnectionId);
        if (MaxDatagramFrameSize is { } maxDatagram)
        {
            sink.Integer(TransportParameterId.MaxDatagramFrameSize, maxDatagram);
        }

        foreach (TransportParameter parameter in AdditionalParameters)
        {
            sink.Bytes(parameter.Id, parameter.Value);
        }
    }

    private static void EmitInteger<TSink>(ref TSink sink, ulong id, ulong value, ulong defaultValue)
        where TSink : struct, IParameterSink, allows ref struct
    {
        if (value != defaultValue)
        {
            sink.Integer(id, value);
        }
    }

    private static void EmitConnectionId<TSink>(ref TSink sink, ulong id, ConnectionId? connectionId)
        where TSink : struct, IParameterSink, allows ref struct
    {
        if (connectionId is { } value)
        {
            sink.Bytes(id, value.Span);
        }
    }

    /// <summary>Where <see cref="Emit"/> sends parameters: a length counter or a writer.</summary>
    private interface IParameterSink
    {
        void Integer(ulong id, ulong value);

        void Bytes(ulong id, scoped ReadOnlySpan<byte> value);

        void PreferredAddress(PreferredAddress value);
    }

    private struct LengthCounter : IParameterSink
    {
        public int Length { get; private set; }

        public void Integer(ulong id, ulong value) =>
            Length += VarInt.GetLength(id) + VarInt.GetLength((ulong)VarInt.GetLength(value)) + VarInt.GetLength(value);

        public void Bytes(ulong id, scoped ReadOnlySpan<byte> value) =>
            Length += VarInt.GetLength(id) + VarInt.GetLength((ulong)value.Length) + value.Length;

        public void PreferredAddress(PreferredAddress value) =>
            Length += VarInt.GetLength(TransportParameterId.PreferredAddress) + VarInt.GetLength((ulong)value.EncodedLength) + value.EncodedLength;
    }

    private ref struct WireEmitter : IParameterSink
    {
        public WireEmitter(WireWriter writer) => Writer = writer;

        public WireWriter Writer;

        public void Integer(ulong id, ulong value)
        {
            Writer.WriteVarInt(id);
            Writer.WriteVarInt((ulong)VarInt.GetLength(value));
            Writer.WriteVarInt(value);
        }

        public void Bytes(ulong id, scoped ReadOnlySpan<byte> value)
        {
            Writer.WriteVarInt(id);
            Writer.WriteVarIntLengthPrefixed(value);
        }

        public void PreferredAddress(PreferredAddress value)
        {
            Writer.WriteVarInt(TransportParameterId.PreferredAddress);
            Writer.WriteVarInt((ulong)value.EncodedLength);
            value.Write(ref Writer);
        }
    }
}
