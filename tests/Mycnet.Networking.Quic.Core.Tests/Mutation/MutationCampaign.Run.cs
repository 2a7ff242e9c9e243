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
    private sealed partial class RunState : IDisposable
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
            // A quarter of the runs start on the handshake flights (ServerHello, EncryptedExtensions with
            // the server's transport parameters, Certificate, Finished); the rest anywhere.
            _authenticatedStart = _random.Next(4) == 0 ? _random.Next(4) : _random.Next(campaign._profile.AuthenticatedStartMax);
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
    }
}
