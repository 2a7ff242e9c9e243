using System.Buffers;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Diagnostics.QlogSchema;

namespace Mycnet.Networking.Quic.Diagnostics;

/// <summary>
/// Records one connection as a qlog JSON-SEQ trace (RFC 7464 records: 0x1E, a JSON object, LF):
/// the QlogFileSeq header first, then QUIC events of draft-ietf-quic-qlog-quic-events-13.
/// </summary>
/// <remarks>
/// <para>Design: the core calls the tracer synchronously on the connection's worker. Each event is
/// serialized with one reused <see cref="Utf8JsonWriter"/> into one reused scratch buffer, then
/// copied into the connection's <see cref="QlogSink"/>, which a background <see cref="QlogWriter"/>
/// empties into the file; steady-state tracing allocates nothing. When the writer falls behind and
/// the sink's budget is spent, events are dropped and counted, and the next event that fits is
/// preceded by a <c>loglevel:warning</c> saying how many were lost (and so is the end of the file).</para>
/// <para>Times are milliseconds since the connection started (the <see cref="Instant"/> given to
/// <see cref="OnConnectionStarted"/>), against a monotonic reference clock whose wall-clock time
/// at the start is recorded in the header. Packet contents are never logged: frames are described
/// by type, stream, offset and length; secrets by type only.</para>
/// <para>The file is completed when the connection terminates, or on <see cref="Dispose"/>.</para>
/// </remarks>
internal sealed partial class QlogTracer : IConnectionTracer, IDisposable
{
    /// <summary>Frames described per packet; the rest are counted in <c>frames_omitted</c>.</summary>
    public const int MaxLoggedFrames = 64;

    /// <summary>ACK ranges described per ACK frame; the rest are counted in <c>acked_ranges_omitted</c>.</summary>
    public const int MaxLoggedAckRanges = 32;

    private readonly QlogSink _sink;
    private readonly TimeProvider _timeProvider;
    private readonly string _vantagePointName;
    private readonly ILogger? _logger;
    private readonly bool _isServer;
    private readonly ConnectionId _factoryOriginalDcid;
    private readonly ArrayBufferWriter<byte> _scratch = new(1024);
    private readonly Utf8JsonWriter _json;
    private bool _started;
    private bool _headerPending;
    private bool _completed;
    private ConnectionId _originalDcid;
    private DateTimeOffset _wallClockAtStart;
    private Instant _reference;
    private Instant _lastTime;
    private long _droppedPending;
    private long _droppedTotal;
    private JsonEncodedText _state;
    private bool _established;
    private int _peerAckDelayExponent = (int)TransportParameters.DefaultAckDelayExponent;
    private int _tupleCount;

    // Last recovery metrics written, so only changes are logged (quic-events §7.2).
    private bool _metricsWritten;
    private bool _rttWritten;
    private TimeSpan _minRtt;
    private TimeSpan _smoothedRtt;
    private TimeSpan _latestRtt;
    private TimeSpan _rttVariance;
    private long _congestionWindow;
    private long _bytesInFlight;

    /// <param name="sink">Where records go (one per connection).</param>
    /// <param name="isServer">The vantage point.</param>
    /// <param name="originalDestinationConnectionId">The ODCID if already known (server side); the core also reports it in <see cref="OnConnectionStarted"/>.</param>
    /// <param name="timeProvider">The wall clock recorded as the reference time.</param>
    /// <param name="vantagePointName">The vantage point name.</param>
    /// <param name="logger">Told once, at the end, if events were dropped.</param>
    public QlogTracer(QlogSink sink, bool isServer, ConnectionId originalDestinationConnectionId = default, TimeProvider? timeProvider = null, string vantagePointName = "mycnet", ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _sink = sink;
        _isServer = isServer;
        _factoryOriginalDcid = originalDestinationConnectionId;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _vantagePointName = vantagePointName;
        _logger = logger;
        // A file, not HTML: only what JSON requires is escaped, so "application/qlog+json-seq"
        // stays greppable in the first bytes (main schema §3).
        _json = new Utf8JsonWriter(_scratch, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _state = Values.Attempted;
    }

    /// <summary>Events dropped because the writer fell behind.</summary>
    public long DroppedEvents => _droppedTotal;

    /// <summary>Whether the trace is finished (terminated or disposed).</summary>
    public bool IsCompleted => _completed;

    public void OnConnectionStarted(Instant now, bool isServer, ConnectionId originalDestinationConnectionId, ConnectionId localConnectionId, ConnectionId peerConnectionId, IPEndPoint local, IPEndPoint remote)
    {
        Start(now, originalDestinationConnectionId);

        // quic-events §4.2: the two halves of the first tuple, with the handshake connection IDs.
        if (BeginEvent(now, Events.ConnectionStarted))
        {
            _json.WriteStartObject(Fields.Local);
            WriteEndpointFields(local, localConnectionId);
            _json.WriteEndObject();
            _json.WriteStartObject(Fields.Remote);
            WriteEndpointFields(remote, peerConnectionId);
            _json.WriteEndObject();
            EndEvent();
        }

        // quic-events §5.1: only QUIC v1 is spoken.
        if (BeginEvent(now, Events.VersionInformation))
        {
            _json.WriteStartArray(_isServer ? Fields.ServerVersions : Fields.ClientVersions);
            _json.WriteStringValue(Values.Version1);
            _json.WriteEndArray();
            _json.WriteString(Fields.ChosenVersion, Values.Version1);
            EndEvent();
        }

        WriteState(now, Values.Attempted, hasOld: false);

        // RFC 9001 §5.2: the Initial secrets derive from the client's first DCID.
        WriteKeyUpdated(now, Values.ClientInitialSecret, keyPhase: -1, Values.Tls);
        WriteKeyUpdated(now, Values.ServerInitialSecret, keyPhase: -1, Values.Tls);
    }

    public void OnParametersSet(Instant now, bool isLocal, TransportParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!isLocal)
        {
            _peerAckDelayExponent = (int)Math.Min(parameters.AckDelayExponent, TransportParameters.MaxAckDelayExponent);
        }

        if (BeginEvent(now, Events.ParametersSet))
        {
            WriteParameters(isLocal, parameters);
            EndEvent();
        }
    }

    public void OnPacketSent(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames)
    {
        if (!BeginEvent(now, Events.PacketSent))
        {
            return;
        }

        WritePacketHeader(space, packetNumber);
        WriteSentFrames(frames);
        WriteRaw(size, -1);
        EndEvent();
    }

    public void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size) =>
        OnPacketReceived(now, space, packetNumber, size, default, default);

    public void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        bool handshakeDone = false;
        if (BeginEvent(now, Events.PacketReceived))
        {
            _json.WriteStartObject(Fields.Header);
            _json.WriteString(Fields.PacketType, PacketType(space));
            _json.WriteNumber(Fields.PacketNumber, packetNumber);
            WriteReceivedHeaderFields(header);
            _json.WriteEndObject();
            if (!header.IsEmpty || !payload.IsEmpty)
            {
                handshakeDone = WriteReceivedFrames(payload);
            }

            WriteRaw(size, header.IsEmpty && payload.IsEmpty ? -1 : payload.Length);
            EndEvent();
        }
        else if (!_isServer && !payload.IsEmpty)
        {
            handshakeDone = ContainsHandshakeDone(payload);
        }

        // RFC 9001 §4.1.2: a client's handshake is confirmed when HANDSHAKE_DONE arrives.
        if (handshakeDone && !_isServer && _established)
        {
            WriteState(now, Values.HandshakeConfirmed, hasOld: true);
        }
    }

    public void OnPacketDropped(Instant now, int size, string reason)
    {
        if (!BeginEvent(now, Events.PacketDropped))
        {
            return;
        }

        WriteRaw(size, -1);
        _json.WriteStartObject(Fields.Details);
        _json.WriteString(Fields.Reason, reason);
        _json.WriteEndObject();
        _json.WriteString(Fields.Trigger, DropTrigger(reason));
        EndEvent();
    }

    public void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size) =>
        OnPacketLost(now, space, packetNumber, size, default);

    public void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames)
    {
        if (!BeginEvent(now, Events.PacketLost))
        {
            return;
        }

        WritePacketHeader(space, packetNumber);
        WriteSentFrames(frames);
        EndEvent();
    }

    public void OnMetricsUpdated(Instant now, RttEstimator rtt, long congestionWindow, long bytesInFlight)
    {
        ArgumentNullException.ThrowIfNull(rtt);

        // quic-events §7.2: group the changed metrics in one event; log only actual changes.
        bool rttChanged = rtt.HasSample && (!_rttWritten || rtt.MinRtt != _minRtt || rtt.SmoothedRtt != _smoothedRtt || rtt.LatestRtt != _latestRtt || rtt.RttVariation != _rttVariance);
        bool cwndChanged = !_metricsWritten || congestionWindow != _congestionWindow;
        bool inFlightChanged = !_metricsWritten || bytesInFlight != _bytesInFlight;
        if (!(rttChanged || cwndChanged || inFlightChanged) || !BeginEvent(now, Events.RecoveryMetricsUpdated))
        {
            return;
        }

        if (rttChanged)
        {
            WriteRttField(Fields.MinRtt, rtt.MinRtt, ref _minRtt);
            WriteRttField(Fields.SmoothedRtt, rtt.SmoothedRtt, ref _smoothedRtt);
            WriteRttField(Fields.LatestRtt, rtt.LatestRtt, ref _latestRtt);
            WriteRttField(Fields.RttVariance, rtt.RttVariation, ref _rttVariance);
            _rttWritten = true;
        }

        if (cwndChanged)
        {
            _json.WriteNumber(Fields.CongestionWindow, congestionWindow);
            _congestionWindow = congestionWindow;
        }

        if (inFlightChanged)
        {
            _json.WriteNumber(Fields.BytesInFlight, bytesInFlight);
            _bytesInFlight = bytesInFlight;
        }

        _metricsWritten = true;
        EndEvent();
    }

    public void OnStateChanged(Instant now, ConnectionState state)
    {
        switch (state)
        {
            case ConnectionState.Established:
                _established = true;
                WriteState(now, Values.HandshakeComplete, hasOld: true);
                if (_isServer)
                {
                    // RFC 9001 §4.1.2: the server's handshake is confirmed when it completes.
                    WriteState(now, Values.HandshakeConfirmed, hasOld: true);
                }

                break;
            case ConnectionState.Closing:
                WriteState(now, Values.Closing, hasOld: true);
                break;
            case ConnectionState.Draining:
                WriteState(now, Values.Draining, hasOld: true);
                break;
            case ConnectionState.Terminated:
                WriteState(now, Values.Closed, hasOld: true);
                Complete(now);
                break;
        }
    }

    public void OnSecret(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret)
    {
        // The secret itself is never logged (that is the key log's job); TLS derives it while the
        // connection handles the input of the last event, so that time is the right one.
        if (KeyType(label) is { } keyType)
        {
            bool oneRtt = keyType.Equals(Values.ClientOneRttSecret) || keyType.Equals(Values.ServerOneRttSecret);
            WriteKeyUpdated(_lastTime, keyType, oneRtt ? 0 : -1, Values.Tls);
        }
    }

    public void OnKeyUpdated(Instant now, long keyPhase, bool isLocal)
    {
        // RFC 9001 §6: a key update moves both directions to the next phase.
        JsonEncodedText trigger = isLocal ? Values.LocalUpdate : Values.RemoteUpdate;
        WriteKeyUpdated(now, Values.ClientOneRttSecret, keyPhase, trigger);
        WriteKeyUpdated(now, Values.ServerOneRttSecret, keyPhase, trigger);
    }

    public void OnPathChanged(Instant now, IPEndPoint local, IPEndPoint remote)
    {
        // quic-events §4.7 and §5.20: name the new tuple, then say the connection moved to it.
        string tupleId = (++_tupleCount).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (BeginEvent(now, Events.TupleAssigned))
        {
            _json.WriteString(Fields.TupleId, tupleId);
            WriteTuple(local, remote);
            EndEvent();
        }

        if (BeginEvent(now, Events.MigrationStateUpdated))
        {
            _json.WriteString(Fields.New, Values.MigrationComplete);
            _json.WriteString(Fields.TupleId, tupleId);
            WriteTuple(local, remote);
            EndEvent();
        }
    }

    public void OnConnectionClosed(Instant now, ConnectionCloseInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (BeginEvent(now, Events.ConnectionClosed))
        {
            WriteConnectionClosed(info);
            EndEvent();
        }
    }

    /// <summary>Finishes the trace if the connection did not terminate (the driver abandoned it).</summary>
    public void Dispose() => Complete(_lastTime);
}
