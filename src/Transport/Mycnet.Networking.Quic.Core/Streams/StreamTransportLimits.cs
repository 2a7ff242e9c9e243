namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>
/// The stream-related transport parameters (RFC 9000 §18.2) as plain numbers, from the point of
/// view of the endpoint that sends them: what it lets its peer send and open.
/// </summary>
/// <param name="InitialMaxData">initial_max_data (0x04): connection-level limit.</param>
/// <param name="InitialMaxStreamDataBidiLocal">initial_max_stream_data_bidi_local (0x05): limit on bidirectional streams the sender of the parameter opens.</param>
/// <param name="InitialMaxStreamDataBidiRemote">initial_max_stream_data_bidi_remote (0x06): limit on bidirectional streams its peer opens.</param>
/// <param name="InitialMaxStreamDataUni">initial_max_stream_data_uni (0x07): limit on unidirectional streams its peer opens.</param>
/// <param name="InitialMaxStreamsBidi">initial_max_streams_bidi (0x08): bidirectional streams its peer may open.</param>
/// <param name="InitialMaxStreamsUni">initial_max_streams_uni (0x09): unidirectional streams its peer may open.</param>
internal readonly record struct StreamTransportLimits(
    ulong InitialMaxData,
    ulong InitialMaxStreamDataBidiLocal,
    ulong InitialMaxStreamDataBidiRemote,
    ulong InitialMaxStreamDataUni,
    ulong InitialMaxStreamsBidi,
    ulong InitialMaxStreamsUni)
{
    /// <summary>
    /// Checks the values a peer sent. RFC 9000 §4.6: stream counts above 2^60 are a
    /// TRANSPORT_PARAMETER_ERROR; every value is a variable-length integer.
    /// </summary>
    /// <exception cref="QuicProtocolException">TRANSPORT_PARAMETER_ERROR.</exception>
    public void ValidateFromPeer()
    {
        if (InitialMaxStreamsBidi > StreamId.MaxStreamCount || InitialMaxStreamsUni > StreamId.MaxStreamCount)
        {
            throw new QuicProtocolException(TransportErrorCode.TransportParameterError, "initial_max_streams exceeds 2^60.");
        }

        ulong max = Wire.VarInt.MaxValue;
        if (InitialMaxData > max || InitialMaxStreamDataBidiLocal > max || InitialMaxStreamDataBidiRemote > max || InitialMaxStreamDataUni > max)
        {
            throw new QuicProtocolException(TransportErrorCode.TransportParameterError, "A flow control transport parameter exceeds 2^62 - 1.");
        }
    }
}
