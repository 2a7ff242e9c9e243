using Mycnet.Networking.Quic.Core.Tls;
using static Mycnet.Networking.Quic.Core.Tests.Mutation.MutationBytes;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <content>
/// The verdicts: what one mutant did to each connection of the receiving host (ignored,
/// processed, closed with which error), whether that is allowed, the bounds on every queue, and
/// the end-of-run checks.
/// </content>
internal sealed partial class MutationCampaign
{
    private sealed partial class RunState
    {
        private void Conclude(MutationHost host, Dictionary<Connection, ConnectionSnapshot> before, Mutant mutant, bool shadow)
        {
            MutantOutcome outcome = MutantOutcome.Ignored;
            string? code = null;
            string? failure = null;
            bool reached = false;
            foreach (Connection connection in host.Connections)
            {
                MutationTracer tracer = host.TracerOf(connection);
                reached |= mutant.Target is { } target
                    ? tracer.ReceivedSinceMark(target.Level.ToSpace(), target.PacketNumber)
                    : tracer.AnyReceivedSinceMark;
                bool wasOpen = before.TryGetValue(connection, out ConnectionSnapshot snapshot) ? IsOpen(snapshot.State) : true;
                (MutantOutcome result, string? closeCode, string? why) = wasOpen && !IsOpen(connection)
                    ? ClassifyClose(connection, atEnd: false)
                    : (tracer.AnyReceivedSinceMark && IsOpen(connection) ? MutantOutcome.Processed : MutantOutcome.Ignored, null, null);
                if (result > outcome)
                {
                    outcome = result;
                    code = closeCode;
                    failure = why;
                }

                failure ??= CheckFootprint(connection);
            }

            if (outcome is MutantOutcome.VersionNegotiation or MutantOutcome.StatelessReset or MutantOutcome.PeerClose)
            {
                // Legitimately ended by an unauthenticated packet (RFC 9000 §6.2, §10.3) or by an
                // authentic CONNECTION_CLOSE the mutant carried: the scenario cannot complete.
                _disturbed = true;
            }

            if (!mutant.Authenticated && !reached && outcome == MutantOutcome.ClosedWithError)
            {
                // Without keys a datagram can only be dropped (RFC 9001 §5.5); closing on it would let
                // any corruption or forgery end the connection. (A raw mutant that carries an intact
                // packet may close it: the peer may have built that packet after an authenticated
                // mutant, e.g. a second ClientHello answering a changed HelloRetryRequest.)
                failure ??= Format($"a datagram with no authentic packet closed the connection with {code}");
            }

            if (failure is not null)
            {
                outcome = MutantOutcome.Failure;
            }

            Stats.Record(mutant.Operator, mutant.Authenticated, shadow, outcome, code, reached, Level(mutant));
            foreach (string refused in Scenario.RefusedCommands)
            {
                Stats.RecordRefusedCommand(refused);
            }

            Scenario.RefusedCommands.Clear();
            if (failure is not null)
            {
                Stats.Fail(Describe(failure, mutant, null));
                throw new RunAbortedException();
            }
        }

        /// <summary>At the end: every connection ended in an allowed way, and a run without authenticated mutants completed its scenario.</summary>
        public void CheckEnd()
        {
            bool clean = !_authenticatedInjected && !_disturbed;
            if (clean)
            {
                Stats.CleanRuns++;
            }
            else if (_authenticatedInjected)
            {
                Stats.RunsWithAuthenticatedMutants++;
            }
            else
            {
                Stats.RunsEndedByRawMutants++;
            }

            if (!IsFinished)
            {
                Stats.RunsCapped++;
            }

            foreach (MutationHost host in new[] { Client, Server })
            {
                foreach (Connection connection in host.Connections)
                {
                    if (IsOpen(connection))
                    {
                        continue;
                    }

                    (MutantOutcome outcome, _, string? why) = ClassifyClose(connection, atEnd: true);
                    if (outcome == MutantOutcome.Failure)
                    {
                        Stats.Fail(Describe($"at the end of the run: {why}", LastMutant, null));
                        return;
                    }
                }
            }

            foreach (string refused in Scenario.RefusedCommands)
            {
                Stats.RecordRefusedCommand(refused);
            }

            if (!clean)
            {
                return;
            }

            Connection? client = Scenario.Client;
            Connection? server = ServerPrimary;
            bool completed = IsFinished && Scenario.Completed && Scenario.Error is null && Scenario.RefusedCommands.Count == 0 &&
                client?.CloseInfo is { Reason: CloseReason.LocallyClosed, IsApplicationError: true, ErrorCode: MutationScenario.CloseCode } &&
                server?.CloseInfo is { Reason: CloseReason.PeerClosed, IsApplicationError: true, ErrorCode: MutationScenario.CloseCode };
            if (completed)
            {
                Stats.CleanRunsCompleted++;
                return;
            }

            Stats.Fail(Describe(
                Format($"a run with only raw mutants did not complete its scenario: finished {IsFinished}, completed {Scenario.Completed}, error '{Scenario.Error}', refused '{string.Join("; ", Scenario.RefusedCommands)}', client {client?.State} {client?.CloseInfo}, server {server?.State} {server?.CloseInfo}, server datagrams {Scenario.DatagramsReceived}"),
                LastMutant,
                null));
        }

        /// <summary>Whether a connection's close is one a peer's datagram may cause (or, at the end, the scenario's own).</summary>
        private (MutantOutcome Outcome, string? Code, string? Why) ClassifyClose(Connection connection, bool atEnd)
        {
            ConnectionCloseInfo? info = connection.CloseInfo;
            string side = connection.IsServer ? "server" : "client";
            if (info is null)
            {
                return (MutantOutcome.Failure, null, $"the {side} closed without a CloseInfo (state {connection.State})");
            }

            switch (info.Reason)
            {
                case CloseReason.LocallyClosed when !info.IsApplicationError:
                    string code = CodeName(info.ErrorCode);
                    return IsAllowedErrorCode(info.ErrorCode)
                        ? (MutantOutcome.ClosedWithError, code, null)
                        : (MutantOutcome.Failure, code, $"the {side} closed with {code}: {info}");
                case CloseReason.LocallyClosed:
                    return connection == Scenario.Client && Scenario.ClientClosed && info.ErrorCode == MutationScenario.CloseCode
                        ? (MutantOutcome.Processed, null, null)
                        : (MutantOutcome.Failure, null, $"the {side} closed with an application error nobody asked for: {info}");
                case CloseReason.PeerClosed:
                    return (MutantOutcome.PeerClose, "peer CONNECTION_CLOSE", null);
                case CloseReason.VersionNegotiationFailed when !connection.IsServer:
                    return (MutantOutcome.VersionNegotiation, "version negotiation", null);
                case CloseReason.StatelessReset:
                    return (MutantOutcome.StatelessReset, "stateless reset", null);
                case CloseReason.IdleTimeout:
                case CloseReason.HandshakeTimeout:
                    return atEnd ? (MutantOutcome.Ignored, null, null) : (MutantOutcome.Failure, null, $"the {side} timed out while handling a datagram: {info}");
                default:
                    return (MutantOutcome.Failure, null, $"the {side} closed: {info}");
            }
        }

        /// <summary>Bounds every queue and table of a connection; null when all hold.</summary>
        private string? CheckFootprint(Connection connection)
        {
            ConnectionFootprint f = connection.GetFootprint();
            ConnectionFootprint max = Stats.MaxFootprint;
            Stats.MaxFootprint = new ConnectionFootprint(
                Math.Max(max.BufferedPackets, f.BufferedPackets),
                Math.Max(max.PendingEvents, f.PendingEvents),
                Math.Max(max.ReceivedDatagrams, f.ReceivedDatagrams),
                Math.Max(max.QueuedDatagrams, f.QueuedDatagrams),
                Math.Max(max.Streams, f.Streams),
                Math.Max(max.Paths, f.Paths),
                Math.Max(max.PeerConnectionIds, f.PeerConnectionIds),
                Math.Max(max.LocalConnectionIds, f.LocalConnectionIds),
                Math.Max(max.CryptoReceiveBufferBytes, f.CryptoReceiveBufferBytes));
            bool bounded = f.BufferedPackets <= 16 && f.PendingEvents <= 64 && f.ReceivedDatagrams <= 128 && f.QueuedDatagrams <= 128 &&
                f.Streams <= 2 * (100 + 100) + 8 && f.Paths <= 8 && f.PeerConnectionIds <= 8 && f.LocalConnectionIds <= 8 &&
                f.CryptoReceiveBufferBytes <= 3 * CryptoReceiveBuffer.MaxBufferedBytes;
            return bounded ? null : Format($"a {(connection.IsServer ? "server" : "client")} connection outgrew its bounds: {f}");
        }

        private static bool IsAllowedErrorCode(ulong code) => code switch
        {
            (ulong)TransportErrorCode.FlowControlError or (ulong)TransportErrorCode.StreamLimitError or (ulong)TransportErrorCode.StreamStateError
                or (ulong)TransportErrorCode.FinalSizeError or (ulong)TransportErrorCode.FrameEncodingError or (ulong)TransportErrorCode.TransportParameterError
                or (ulong)TransportErrorCode.ConnectionIdLimitError or (ulong)TransportErrorCode.ProtocolViolation or (ulong)TransportErrorCode.InvalidToken
                or (ulong)TransportErrorCode.CryptoBufferExceeded or (ulong)TransportErrorCode.KeyUpdateError or (ulong)TransportErrorCode.AeadLimitReached
                or (ulong)TransportErrorCode.NoViablePath => true,

            // CRYPTO_ERROR (RFC 9001 §4.8) with any alert but internal_error (80): a TLS failure the peer's bytes caused.
            >= (ulong)TransportErrorCode.CryptoErrorBase and <= (ulong)TransportErrorCode.CryptoErrorLast => code != (ulong)TransportErrorCode.CryptoErrorBase + 80,
            _ => false,
        };

        private static string CodeName(ulong code) => code is >= (ulong)TransportErrorCode.CryptoErrorBase and <= (ulong)TransportErrorCode.CryptoErrorLast
            ? Format($"CRYPTO_ERROR({(TlsAlert)(code - (ulong)TransportErrorCode.CryptoErrorBase)})")
            : ((TransportErrorCode)code).ToString();
    }
}
