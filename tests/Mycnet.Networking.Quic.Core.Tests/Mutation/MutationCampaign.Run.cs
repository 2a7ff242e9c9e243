using System.Net;
using System.Text;
using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Testing;
using Mycnet.Networking.Testing.Quic;
using Mycnet.Networking.Testing.Simulation;
using static Mycnet.Networking.Quic.Core.Tests.Mutation.MutationBytes;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <content>One run: the recorded exchange, the injection of mutants at each delivered datagram, and the checks.</content>
internal sealed partial class MutationCampaign
{
    private sealed class RunState : IDisposable
    {
        private readonly MutationCampaign _campaign;
        private readonly Random _random;
        private readonly MutationKeyRing _ring;
        private readonly CryptoStreamTracker _crypto = new();
        private readonly List<RecordedDatagram> _recording = [];
        private readonly List<byte[]>[] _earlier = [[], []];
        private readonly int _authenticatedStart;
        private readonly CipherSuite _suite;
        private readonly bool _helloRetry;
        private readonly bool _retry;
        private readonly TransportSettings _serverSettings;
        private readonly TlsServerOptions _serverTls;
        private MutationHost? _freshServer;
        private int _step;
        private bool _authenticatedInjected;
        private bool _disturbed;

        public RunState(MutationCampaign campaign, int index, int seed)
        {
            _campaign = campaign;
            Index = index;
            Seed = seed;
            _random = new Random(seed);
            _suite = _random.Next(3) switch { 0 => CipherSuite.Aes128GcmSha256, 1 => CipherSuite.Aes256GcmSha384, _ => CipherSuite.ChaCha20Poly1305Sha256 };
            _helloRetry = _random.Next(5) == 0;
            _retry = _random.Next(6) == 0;
            _authenticatedStart = _random.Next(campaign._profile.AuthenticatedStartMax);
            Scenario = new MutationScenario(_random);
            _ring = new MutationKeyRing(() => Scenario.Client?.CipherSuite) { ShortHeaderDcidLength = ConnectionIdLength };
            _serverSettings = Settings(_random);
            _serverTls = new TlsServerOptions
            {
                Certificate = QuicTestConfig.ServerTls().Certificate,
                ApplicationProtocols = [QuicTestConfig.Alpn],
                KeyExchangeGroups = _helloRetry ? [TlsNamedGroup.Secp384r1] : [TlsNamedGroup.Secp256r1, TlsNamedGroup.Secp384r1],
            };

            Network = new SimulatedNetwork(seed);
            var serverSlot = new TracerSlot();
            Server = new MutationHost("server", ServerConfig(seed, serverSlot), ServerAddress, serverSlot);
            Client = new MutationHost("client", new EndpointConfig { Random = new SeededRandomSource(seed ^ 0x5a5a5a5a) }, ClientAddress, new TracerSlot());
            SimNode serverNode = Network.AddNode("server", Server, ServerAddress);
            SimNode clientNode = Network.AddNode("client", Client, ClientAddress);
            Network.Connect(clientNode, serverNode, new LinkConditions { Latency = TimeSpan.FromMilliseconds(10) });
            Network.DatagramObserved += datagram =>
            {
                if (datagram.Kind == SimDatagramEventKind.Delivered)
                {
                    Direction direction = datagram.DestinationNode == serverNode ? Direction.ClientToServer : Direction.ServerToClient;
                    _recording.Add(new RecordedDatagram(direction, datagram.Time, datagram.Source, datagram.Destination, datagram.Datagram.ToArray()));
                }
            };
            Client.Activity = Scenario.OnClientActivity;
            Server.Activity = Scenario.OnServerActivity;
            Client.Interceptor = Intercept;
            Server.Interceptor = Intercept;
        }

        public int Index { get; }

        public int Seed { get; }

        public SimulatedNetwork Network { get; }

        public MutationHost Client { get; }

        public MutationHost Server { get; }

        public MutationScenario Scenario { get; }

        public Mutant? LastMutant { get; private set; }

        /// <summary>Every datagram the network delivered in this run, in order (the recording the mutants come from).</summary>
        public IReadOnlyList<RecordedDatagram> Recording => _recording;

        /// <summary>Datagrams the hosts saw arrive (each is one step).</summary>
        public int Steps => _step;

        public bool IsFinished =>
            Scenario.Client is { State: ConnectionState.Terminated } && AllTerminated(Server);

        private MutationStats Stats => _campaign.Stats;

        public void Start()
        {
            var tls = new TlsClientOptions
            {
                ServerName = "localhost",
                ApplicationProtocols = [QuicTestConfig.Alpn],
                TrustedRoots = TestCertificates.TrustedRoots,
                CipherSuites = [_suite],
            };
            var tracer = new MutationTracer { KeyRing = _ring };
            Scenario.Client = Client.Connect(Network.Now, Settings(_random), tls, ServerAddress, tracer);
        }

        /// <summary>Before a datagram is delivered: record it, open it, and inject its mutants.</summary>
        private void Intercept(MutationHost host, Instant now, IPEndPoint local, IPEndPoint remote, byte[] original, EcnCodepoint ecn)
        {
            Interlocked.Increment(ref _campaign._progress);
            int step = _step++;
            Direction direction = host == Server ? Direction.ClientToServer : Direction.ServerToClient;
            RecordedDatagram recorded = _recording[^1];
            if (_recording.Count != _step || recorded.Direction != direction || !recorded.Datagram.AsSpan().SequenceEqual(original))
            {
                Stats.Fail(Format($"harness: step {step} is not the last recorded datagram (run {Index}, seed {Seed})."));
                throw new RunAbortedException();
            }

            List<OpenedPacket> opened = _ring.OpenOriginal(direction, original, prefix => DeliverPrefix(host, now, local, remote, prefix, ecn));
            foreach (OpenedPacket packet in opened)
            {
                _crypto.Observe(direction, packet);
                CheckReseal(direction, packet);
            }

            List<byte[]> earlier = _earlier[(int)direction];
            Random stepRandom = MutantRandom(Seed, step, -1);
            bool firstInitial = direction == Direction.ClientToServer && Server.Connections.Count == 0;
            int authenticated = opened.Count == 0 ? 0
                : firstInitial ? _campaign._profile.FreshServerMutantsPerRun
                : step >= _authenticatedStart && IsOpen(host == Server ? ServerPrimary : Scenario.Client) ? _campaign._profile.AuthenticatedPerStep
                : 0;
            // Datagrams that carry no packet of this connection (stateless resets, Version Negotiation,
            // answers to earlier mutants) get raw mutants only now and then, so the recorded
            // handshake and transfer dominate.
            double rawMean = opened.Count > 0 ? _campaign._profile.RawPerStep : _campaign._profile.RawPerStep / 10;
            int raw = (int)rawMean + (stepRandom.NextDouble() < rawMean - Math.Floor(rawMean) ? 1 : 0);

            for (int i = 0; i < authenticated && Stats.Mutants < _campaign._iterations; i++)
            {
                if (!firstInitial && !IsOpen(host == Server ? ServerPrimary : Scenario.Client))
                {
                    break; // An earlier mutant of this step closed the receiver.
                }

                Random random = MutantRandom(Seed, step, i);
                Mutant mutant = CreateAuthenticated(random, direction, step, i, original, opened);
                if (firstInitial)
                {
                    InjectIntoFreshServer(mutant, now, local, remote, ecn);
                }
                else
                {
                    _authenticatedInjected = true;
                    Inject(host, mutant, now, local, remote, ecn);
                }
            }

            for (int i = 0; i < raw && Stats.Mutants < _campaign._iterations; i++)
            {
                Random random = MutantRandom(Seed, step, 100 + i);
                (byte[] datagram, string op, string detail) = RawMutator.Mutate(random, original, ConnectionIdLength, earlier);
                Inject(host, new Mutant(op, detail, false, datagram, null, null, direction, step, 100 + i), now, local, remote, ecn);
            }

            earlier.Add(original);
        }

        private void DeliverPrefix(MutationHost host, Instant now, IPEndPoint local, IPEndPoint remote, byte[] prefix, EcnCodepoint ecn)
        {
            try
            {
                host.Deliver(now, local, remote, prefix, ecn);
            }
            catch (Exception e)
            {
                Stats.Fail(Describe("an exception escaped while delivering the first packets of an original datagram on their own", LastMutant, e));
                throw new RunAbortedException();
            }
        }

        private Mutant CreateAuthenticated(Random random, Direction direction, int step, int index, byte[] original, List<OpenedPacket> opened)
        {
            OpenedPacket target = opened[random.Next(opened.Count)];
            (byte[] plaintext, string op, string detail) = PlaintextMutator.Mutate(random, target, (offset, length) => _crypto.MessageStarts(direction, target.Level, offset, length));
            byte[] sealedPacket = _ring.Seal(direction, target, plaintext);
            byte[] datagram = Splice(original, target.DatagramOffset, target.DatagramLength, sealedPacket);
            if (direction == Direction.ClientToServer && target.Type == PacketType.Initial && datagram.Length < original.Length)
            {
                // A client's Initial must arrive in a datagram of at least 1200 bytes (RFC 9000 §14.1):
                // pad the datagram, not the packet, so a shortened payload still reaches the server.
                datagram = [.. datagram, .. new byte[original.Length - datagram.Length]];
            }

            return new Mutant(op, detail, true, datagram, target, plaintext, direction, step, index);
        }

        private void CheckReseal(Direction direction, OpenedPacket packet)
        {
            byte[] resealed = _ring.Seal(direction, packet, packet.Plaintext);
            Stats.ResealChecks++;
            if (!resealed.AsSpan().SequenceEqual(packet.Protected))
            {
                Stats.Fail(Format($"harness: re-sealing an unmodified {packet.Level} packet {packet.PacketNumber} ({direction}) did not reproduce it (run {Index}, seed {Seed})."));
                throw new RunAbortedException();
            }
        }

        private void Inject(MutationHost host, Mutant mutant, Instant now, IPEndPoint local, IPEndPoint remote, EcnCodepoint ecn)
        {
            LastMutant = mutant;
            Interlocked.Increment(ref _campaign._progress);
            _campaign._currentMutant = mutant;
            Dictionary<Connection, ConnectionSnapshot> before = Snapshot(host);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                host.Deliver(now, local, remote, mutant.Datagram, ecn);
            }
            catch (Exception e)
            {
                Stats.Record(mutant.Operator, mutant.Authenticated, false, MutantOutcome.Failure, null, false, Level(mutant));
                Stats.Fail(Describe("an exception escaped", mutant, e));
                throw new RunAbortedException();
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            if (allocated > Stats.MaxAllocatedBytesPerMutant)
            {
                Stats.MaxAllocatedBytesPerMutant = allocated;
                Stats.MaxAllocationMutant = $"{mutant.Operator}: {mutant.Detail}";
            }

            if (allocated > MaxAllocationPerMutant)
            {
                Stats.Fail(Describe(Format($"one datagram made the host allocate {allocated / 1024} KiB"), mutant, null));
                throw new RunAbortedException();
            }

            Conclude(host, before, mutant, shadow: false);
        }

        private void InjectIntoFreshServer(Mutant mutant, Instant now, IPEndPoint local, IPEndPoint remote, EcnCodepoint ecn)
        {
            if (_freshServer is null)
            {
                var slot = new TracerSlot();
                // The same seed as the live server: the same Retry token key, so a token it issued is valid here too.
                _freshServer = new MutationHost("fresh-server", ServerConfig(Seed, slot), ServerAddress, slot);
            }

            _freshServer.Reset();
            LastMutant = mutant;
            Interlocked.Increment(ref _campaign._progress);
            _campaign._currentMutant = mutant;
            try
            {
                _freshServer.Deliver(now, local, remote, mutant.Datagram, ecn);
            }
            catch (Exception e)
            {
                Stats.Record(mutant.Operator, true, true, MutantOutcome.Failure, null, false, Level(mutant));
                Stats.Fail(Describe("an exception escaped (fresh server)", mutant, e));
                throw new RunAbortedException();
            }

            Conclude(_freshServer, [], mutant, shadow: true);
        }

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

        public string Describe(string what, Mutant? mutant, Exception? exception)
        {
            var text = new StringBuilder();
            text.Append(Format($"FAILURE: {what} — campaign seed {_campaign._seed}, run {Index} (run seed {Seed}, suite {_suite}, HelloRetryRequest {_helloRetry}, Retry {_retry})"));
            if (mutant is not null)
            {
                text.Append(Format($", step {mutant.Step} mutant {mutant.Index} {mutant.Direction}: {mutant.Operator} ({mutant.Detail})"));
                if (mutant.Target is { } target)
                {
                    text.Append(Format($"; {target.Level} packet {target.PacketNumber}; original plaintext {Hex(target.Plaintext)}; mutated plaintext {Hex(mutant.Plaintext)}"));
                }
                else
                {
                    text.Append(Format($"; datagram {Hex(mutant.Datagram)}"));
                }
            }

            if (exception is not null)
            {
                text.AppendLine().Append(exception);
            }

            return text.ToString();
        }

        public void Dispose()
        {
            Client.Dispose();
            Server.Dispose();
            _freshServer?.Dispose();
            _ring.Dispose();
        }

        private Connection? ServerPrimary => Scenario.Server ?? FindServerPrimary();

        private Connection? FindServerPrimary()
        {
            if (Scenario.Client is not { } client)
            {
                return null;
            }

            foreach (Connection connection in Server.Connections)
            {
                if (connection.OriginalDestinationConnectionId == client.OriginalDestinationConnectionId)
                {
                    return connection;
                }
            }

            return null;
        }

        private EndpointConfig ServerConfig(int seed, TracerSlot slot) => new()
        {
            ServerTransport = _serverSettings,
            ServerTls = _serverTls,
            RequireRetry = _retry,
            Random = new SeededRandomSource(seed),
            TracerFactory = slot.Create,
        };

        private static TransportSettings Settings(Random random) => new()
        {
            MaxIdleTimeout = TimeSpan.FromSeconds(5),
            HandshakeTimeout = TimeSpan.FromSeconds(3),
            EnableEcn = random.Next(2) == 0,
            InitialMaxData = random.Next(2) == 0 ? 1 << 20 : 16 * 1024,
            InitialMaxStreamData = random.Next(2) == 0 ? 512 << 10 : 4096,
            MaxIncomingBidirectionalStreams = random.Next(2) == 0 ? 100 : 4,
            MaxIncomingUnidirectionalStreams = random.Next(2) == 0 ? 100 : 4,
            ActiveConnectionIdLimit = random.Next(2, 6),
        };

        private static Dictionary<Connection, ConnectionSnapshot> Snapshot(MutationHost host)
        {
            var snapshot = new Dictionary<Connection, ConnectionSnapshot>(ReferenceEqualityComparer.Instance);
            foreach (Connection connection in host.Connections)
            {
                MutationTracer tracer = host.TracerOf(connection);
                tracer.Mark();
                snapshot[connection] = new ConnectionSnapshot(connection.State, tracer.PacketsReceived);
            }

            return snapshot;
        }

        private static bool AllTerminated(MutationHost host)
        {
            foreach (Connection connection in host.Connections)
            {
                if (connection.State != ConnectionState.Terminated)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsOpen(Connection? connection) => connection is not null && IsOpen(connection.State);

        private static bool IsOpen(ConnectionState state) => state is ConnectionState.Handshaking or ConnectionState.Established;

        private static string Level(Mutant mutant) => mutant.Target is { } target
            ? Format($"{target.Level} ({(mutant.Direction == Direction.ClientToServer ? "to server" : "to client")})")
            : "raw";

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
    }
}
