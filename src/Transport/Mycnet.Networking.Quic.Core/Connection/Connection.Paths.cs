using System.Buffers.Binary;
using System.Net;
using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core;

/// <content>
/// Paths: address validation and the anti-amplification limit (RFC 9000 §8.1), path validation
/// (§8.2), and responding to a peer whose address changed — NAT rebinding or migration (§9.3).
/// A datagram from an unknown address pair creates a candidate path; probing frames on it are
/// answered there; a non-probing packet with the highest packet number moves the connection to it
/// and starts validating it, with the amplification limit applying until it is validated.
/// </content>
internal sealed partial class Connection
{
    /// <summary>Candidate paths kept at once; the oldest is dropped beyond it.</summary>
    private const int MaxCandidatePaths = 4;

    private QuicPath? _lastValidatedPath;

    private QuicPath GetOrCreatePath(IPEndPoint local, IPEndPoint remote, Instant now)
    {
        if (_path.Matches(local, remote))
        {
            return _path;
        }

        foreach (QuicPath candidate in _paths)
        {
            if (candidate.Matches(local, remote))
            {
                return candidate;
            }
        }

        if (_paths.Count > MaxCandidatePaths)
        {
            for (int i = 0; i < _paths.Count; i++)
            {
                if (_paths[i] != _path)
                {
                    _paths.RemoveAt(i);
                    break;
                }
            }
        }

        var path = new QuicPath(_nextPathId++, local, remote, MinInitialDatagramSize);
        _paths.Add(path);
        _ = now;
        return path;
    }

    private void ValidatePeerAddress(QuicPath path, Instant now)
    {
        if (path.IsValidated)
        {
            return;
        }

        path.IsValidated = true;
        if (path == _path)
        {
            UnblockAmplification(path, now);
        }
    }

    private void UnblockAmplification(QuicPath path, Instant now)
    {
        if (path != _path)
        {
            return;
        }

        _recovery.Loss.SetAmplificationLimited(false, now);
        if (_recovery.Loss.Deadline <= now)
        {
            _recovery.Loss.OnTimeout(now, this);
        }
    }

    private void OnPathResponse(Instant now, ulong data)
    {
        foreach (QuicPath path in _paths)
        {
            if (path.ChallengeData == data)
            {
                // §8.2.3: a matching PATH_RESPONSE validates the path the challenge was sent on.
                path.ChallengeData = null;
                path.ChallengePending = false;
                path.ValidationDeadline = Instant.MaxValue;
                ValidatePeerAddress(path, now);
                if (path == _path)
                {
                    _lastValidatedPath = null;
                }

                _events.Enqueue(new ConnectionEvent(ConnectionEventKind.PathValidated, PathId: path.Id));
                return;
            }
        }

        // §8.2.3: an unsolicited or stale PATH_RESPONSE is ignored.
    }

    /// <summary>Moves the connection to <paramref name="path"/> after the peer's address changed (§9.3).</summary>
    private void MigrateTo(QuicPath path, Instant now)
    {
        QuicPath previous = _path;
        bool addressChanged = !previous.Remote.Address.Equals(path.Remote.Address);
        if (previous.IsValidated)
        {
            _lastValidatedPath = previous;
        }

        path.Recovery = previous.Recovery;
        previous.Recovery = null;
        _path = path;
        path.SetMaxDatagramSize(Math.Min(previous.MaxDatagramSize, path.MaxDatagramSize == MinInitialDatagramSize ? previous.MaxDatagramSize : path.MaxDatagramSize));

        // §9.4: a new address means a new path: forget the RTT estimate. A port-only change (the
        // common NAT rebinding) keeps it, as the RFC allows.
        if (addressChanged)
        {
            _recovery.Rtt.Reset(_settings.InitialRtt);
        }

        // §9.5: do not use the same connection ID towards two addresses.
        if (!_peerCids.IsZeroLength && _peerCids.TryTakeUnused(out ulong sequence, out _))
        {
            ulong old = _peerCids.CurrentSequence;
            _peerCids.UseForPrimaryPath(sequence);
            _peerCids.Retire(old);
        }

        if (!path.IsValidated)
        {
            StartPathValidation(path, now);
        }

        _tracer.OnPathChanged(now, path.Local, path.Remote);
    }

    private void StartPathValidation(QuicPath path, Instant now)
    {
        Span<byte> data = stackalloc byte[8];
        _random.Fill(data);
        path.ChallengeData = BinaryPrimitives.ReadUInt64BigEndian(data);
        path.ChallengePending = true;

        // §8.2.4: give up after max(3 PTO, 6 × initial RTT).
        TimeSpan pto = _recovery.Loss.GetProbeTimeout(PacketNumberSpace.ApplicationData);
        TimeSpan timeout = 3 * pto > 6 * _settings.InitialRtt ? 3 * pto : 6 * _settings.InitialRtt;
        path.ValidationDeadline = now + timeout;
    }

    private void HandlePathTimeouts(Instant now)
    {
        for (int i = _paths.Count - 1; i >= 0; i--)
        {
            QuicPath path = _paths[i];
            if (now < path.ValidationDeadline)
            {
                continue;
            }

            path.ValidationDeadline = Instant.MaxValue;
            path.ChallengeData = null;
            path.ChallengePending = false;
            _events.Enqueue(new ConnectionEvent(ConnectionEventKind.PathFailed, PathId: path.Id));
            if (path == _path)
            {
                // §9.3.2: validation of the new address failed: go back to the last validated one.
                if (_lastValidatedPath is { } fallback)
                {
                    fallback.Recovery = path.Recovery;
                    path.Recovery = null;
                    _path = fallback;
                    _lastValidatedPath = null;
                    _paths.Remove(path);
                    _tracer.OnPathChanged(now, fallback.Local, fallback.Remote);
                }
                else
                {
                    CloseWithError(now, TransportErrorCode.NoViablePath, 0, "Path validation failed and no validated path remains.");
                    return;
                }
            }
            else
            {
                _paths.RemoveAt(i);
            }
        }

        // Drop candidate paths that have nothing more to do.
        for (int i = _paths.Count - 1; i >= 0; i--)
        {
            QuicPath path = _paths[i];
            if (path != _path && path != _lastValidatedPath && !path.HasPendingResponses && path.ChallengeData is null)
            {
                _paths.RemoveAt(i);
            }
        }
    }

    /// <summary>Sends PATH_RESPONSE (and PATH_CHALLENGE) on a candidate path, in a 1-RTT packet padded to 1200 bytes when the limit allows (§8.2.1).</summary>
    private bool TryPollCandidatePathTransmit(Instant now, Span<byte> buffer, out Transmit transmit)
    {
        transmit = default;
        if (!_handshakeComplete || _keys.OneRtt is null)
        {
            return false;
        }

        foreach (QuicPath path in _paths)
        {
            if (path == _path || !(path.HasPendingResponses || path.ChallengePending))
            {
                continue;
            }

            int budget = (int)Math.Min(Math.Min(buffer.Length, MinInitialDatagramSize), path.AmplificationBudget);
            if (budget < 64)
            {
                continue;
            }

            var writer = new WireWriter(buffer[..(budget - CipherSuiteInfo.TagLength)]);
            (ulong packetNumber, int pnOffset, int pnLength) = WriteStandaloneShortHeader(ref writer);
            int headerLength = writer.Position;
            int frameCount = 0;
            while (path.TryPeekResponse(out ulong response) && writer.Remaining >= PathResponseFrame.EncodedLength)
            {
                new PathResponseFrame(response).Write(ref writer);
                path.DequeueResponse();
                SentFrames[frameCount++] = SentFrame.PathResponse(response);
            }

            if (path.ChallengePending && path.ChallengeData is { } challenge && writer.Remaining >= PathChallengeFrame.EncodedLength)
            {
                new PathChallengeFrame(challenge).Write(ref writer);
                path.ChallengePending = false;
                SentFrames[frameCount++] = SentFrame.PathChallenge(challenge);
            }

            writer.WriteZeros(writer.Remaining);
            int payloadLength = writer.Position - headerLength;
            var packet = new PendingPacket(PacketNumberSpace.ApplicationData, PacketType.OneRtt, packetNumber, 0, headerLength + payloadLength + CipherSuiteInfo.TagLength, headerLength, payloadLength, pnOffset, pnLength, -1, 0, frameCount, AckEliciting: true);
            SealPacket(now, buffer, in packet, markEct0: false);
            path.BytesSent += packet.Length;
            _bytesSent += packet.Length;
            _datagramsSentCount++;
            transmit = new Transmit(path.Local, path.Remote, packet.Length, packet.Length, EcnCodepoint.NotEct);
            return true;
        }

        return false;
    }
}
