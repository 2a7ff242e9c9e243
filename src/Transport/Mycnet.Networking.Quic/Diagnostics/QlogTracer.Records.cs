using System.Text.Json;
using Mycnet.Networking.Quic.Core;
using static Mycnet.Networking.Quic.Diagnostics.QlogSchema;

namespace Mycnet.Networking.Quic.Diagnostics;

/// <content>
/// Record plumbing: starting and completing the trace, the budget check and drop accounting,
/// the JSON-SEQ framing (RFC 7464: RS, JSON text, LF) and the small shared event bodies.
/// </content>
internal sealed partial class QlogTracer
{
    private void Start(Instant now, ConnectionId originalDestinationConnectionId)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        _reference = now;
        _lastTime = now;
        _originalDcid = originalDestinationConnectionId;
        _wallClockAtStart = _timeProvider.GetUtcNow();
        _sink.FileName = FileName(originalDestinationConnectionId, _isServer);

        // The header goes out with the first event that fits the budget, so a connection that
        // gets no room takes no memory at all.
        _headerPending = true;
    }

    private void Complete(Instant now)
    {
        if (_completed)
        {
            return;
        }

        if (_started && (_headerPending || _droppedPending > 0))
        {
            // The file always gets its header, and says what it is missing.
            if (_headerPending)
            {
                WriteHeader();
            }

            WriteDropNotice(now);
        }

        _completed = true;
        _sink.Complete();
        if (_droppedTotal > 0 && _logger is not null)
        {
            QuicLog.QlogEventsDropped(_logger, _sink.FileName ?? "?", _droppedTotal);
        }
    }

    /// <summary>Starts an event record; false when it is dropped (budget spent) or the trace is complete.</summary>
    private bool BeginEvent(Instant now, JsonEncodedText name)
    {
        if (_completed)
        {
            return false;
        }

        if (!_started)
        {
            // The core reports the start first; a tracer used without it still writes a valid file.
            Start(now, _factoryOriginalDcid);
        }

        if (!_sink.HasRoom)
        {
            _droppedPending++;
            _droppedTotal++;
            return false;
        }

        if (_headerPending)
        {
            WriteHeader();
        }

        if (_droppedPending > 0)
        {
            WriteDropNotice(now);
        }

        BeginRecord(now, name);
        return true;
    }

    private void BeginRecord(Instant now, JsonEncodedText name)
    {
        if (now > _lastTime)
        {
            _lastTime = now;
        }

        _scratch.ResetWrittenCount();
        _scratch.GetSpan(1)[0] = RecordSeparator;
        _scratch.Advance(1);
        _json.Reset(_scratch);
        _json.WriteStartObject();
        _json.WriteNumber(Fields.Time, (now.Ticks - _reference.Ticks) / (double)TimeSpan.TicksPerMillisecond);
        _json.WriteString(Fields.Name, name);
        _json.WriteStartObject(Fields.Data);
    }

    private void EndEvent()
    {
        _json.WriteEndObject();
        _json.WriteEndObject();
        CommitRecord();
    }

    private void CommitRecord()
    {
        _json.Flush();
        _scratch.GetSpan(1)[0] = LineFeed;
        _scratch.Advance(1);
        _sink.Append(_scratch.WrittenSpan);
    }

    private void WriteDropNotice(Instant now)
    {
        if (_droppedPending == 0)
        {
            return;
        }

        long dropped = _droppedPending;
        _droppedPending = 0;
        BeginRecord(now, Events.Warning);
        _json.WriteString(Fields.Message, $"qlog writer fell behind: {dropped} events dropped before this point");
        _json.WriteNumber(Fields.DroppedEvents, dropped);
        EndEvent();
    }

    private void WriteState(Instant now, JsonEncodedText state, bool hasOld)
    {
        if (hasOld && state.Equals(_state))
        {
            return;
        }

        JsonEncodedText old = _state;
        _state = state;
        if (!BeginEvent(now, Events.ConnectionStateUpdated))
        {
            return;
        }

        if (hasOld)
        {
            _json.WriteString(Fields.Old, old);
        }

        _json.WriteString(Fields.New, state);
        EndEvent();
    }

    private void WriteKeyUpdated(Instant now, JsonEncodedText keyType, long keyPhase, JsonEncodedText trigger)
    {
        if (!BeginEvent(now, Events.KeyUpdated))
        {
            return;
        }

        _json.WriteString(Fields.KeyType, keyType);
        if (keyPhase >= 0)
        {
            _json.WriteNumber(Fields.KeyPhase, keyPhase);
        }

        _json.WriteString(Fields.Trigger, trigger);
        EndEvent();
    }

    private void WriteRttField(JsonEncodedText name, TimeSpan value, ref TimeSpan last)
    {
        _json.WriteNumber(name, value.Ticks / (double)TimeSpan.TicksPerMillisecond);
        last = value;
    }

    private void WritePacketHeader(PacketNumberSpace space, ulong packetNumber)
    {
        _json.WriteStartObject(Fields.Header);
        _json.WriteString(Fields.PacketType, PacketType(space));
        _json.WriteNumber(Fields.PacketNumber, packetNumber);
        _json.WriteEndObject();
    }

    private void WriteRaw(int length, int payloadLength)
    {
        _json.WriteStartObject(Fields.Raw);
        _json.WriteNumber(Fields.Length, length);
        if (payloadLength >= 0)
        {
            _json.WriteNumber(Fields.PayloadLength, payloadLength);
        }

        _json.WriteEndObject();
    }
}
