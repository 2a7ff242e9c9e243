using Mycnet.Networking.Quic.Core.Tls;
using static Mycnet.Networking.Quic.Core.Tests.Tls.TlsTestSetup;

namespace Mycnet.Networking.Quic.Core.Tests.Tls;

/// <summary>
/// Malformed input never escapes as anything but <see cref="TlsAlertException"/>: every truncation of every
/// handshake message, and seeded random mutations of every recorded flight, delivered to a live peer in the
/// state that expects them. An internal_error would mean an unexpected exception was caught at the boundary,
/// so it fails these tests too. A longer fuzz run: MYCNET_TLS_FUZZ_ITERATIONS=3000 MYCNET_TLS_FUZZ_SEED=77
/// (defaults 150 per flight, seed 9001).
/// </summary>
public sealed class TlsRobustnessTests
{
    /// <summary>The flights of a handshake with HelloRetryRequest and mutual TLS, by position in delivery order.</summary>
    public static TheoryData<int> FlightIndexes => new() { 0, 1, 2, 3, 4, 5 };

    [Fact]
    public void Truncation_EveryPrefixOfEveryFlight_WaitsForTheRest()
    {
        var pair = new TlsHandshakePair(Scenario.ClientOptions(), Scenario.ServerOptions()) { ChunkSize = 1 };
        pair.Run();

        Assert.Equal(Scenario.FlightCount, pair.Delivered.Count);
        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.True(pair.Server.IsHandshakeComplete);
    }

    [Theory]
    [MemberData(nameof(FlightIndexes))]
    public void Truncation_EveryHandshakeMessageCutShort_IsATlsAlert(int flightIndex)
    {
        List<byte[]> messages = SplitMessages(Scenario.Record()[flightIndex].Data);
        int cases = 0;
        for (int m = 0; m < messages.Count; m++)
        {
            byte[] message = messages[m];
            foreach (int length in TruncationLengths(message.Length - 4))
            {
                byte[] truncated = Message((TlsHandshakeType)message[0], message.AsSpan(4, length).ToArray());
                var pair = new TlsHandshakePair(Scenario.ClientOptions(), Scenario.ServerOptions());
                TlsFlight flight = pair.RunUntil(f => f.Index == flightIndex);
                List<byte[]> live = SplitMessages(flight.Data);
                Assert.Equal((TlsHandshakeType)message[0], (TlsHandshakeType)live[m][0]);
                byte[] data = Join(live.Take(m).Append(truncated));
                Exception? failure = Record.Exception(() =>
                {
                    pair.Deliver(flight with { Data = data });
                    pair.Pump();
                });
                AssertOnlyAlerts(failure, $"flight {flightIndex}, message {(TlsHandshakeType)message[0]} cut to {length} bytes");
                cases++;
            }
        }

        Assert.True(cases >= messages.Count);
    }

    [Theory]
    [MemberData(nameof(FlightIndexes))]
    public void Mutation_SeededRandomChangesToAFlight_YieldOnlyTlsAlerts(int flightIndex)
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("MYCNET_TLS_FUZZ_SEED"), out int s) ? s : 9001;
        var random = new Random(seed + flightIndex);
        int alerts = 0;
        int iterations = int.TryParse(Environment.GetEnvironmentVariable("MYCNET_TLS_FUZZ_ITERATIONS"), out int n) ? n : 150;
        for (int i = 0; i < iterations; i++)
        {
            var pair = new TlsHandshakePair(Scenario.ClientOptions(), Scenario.ServerOptions());
            TlsFlight flight = pair.RunUntil(f => f.Index == flightIndex);
            byte[] mutated = Mutate(flight.Data, random, out string description);
            Exception? failure = Record.Exception(() =>
            {
                pair.Deliver(flight with { Data = mutated });
                pair.Pump();
            });
            AssertOnlyAlerts(failure, $"flight {flightIndex}, iteration {i}: {description}");
            alerts += failure is null ? 0 : 1;
        }

        // Nearly every change is caught (a few, such as a mutation in a trailing partial header, only wait for more data).
        Assert.True(alerts >= iterations / 2, $"only {alerts} of {iterations} mutations were detected");
    }

    private static void AssertOnlyAlerts(Exception? failure, string context)
    {
        if (failure is null)
        {
            return;
        }

        TlsAlertException alert = Assert.IsType<TlsAlertException>(failure);
        Assert.True(alert.Alert != TlsAlert.InternalError, $"{context}: internal_error ({alert.Message}) {alert.InnerException}");
    }

    private static IEnumerable<int> TruncationLengths(int bodyLength)
    {
        for (int length = 0; length < bodyLength; length++)
        {
            if (bodyLength <= 160 || length < 48 || length >= bodyLength - 48 || length % 17 == 0)
            {
                yield return length;
            }
        }
    }

    private static byte[] Mutate(byte[] data, Random random, out string description)
    {
        var bytes = new List<byte>(data);
        var steps = new List<string>();
        int count = 1 + random.Next(3);
        for (int step = 0; step < count && bytes.Count > 0; step++)
        {
            int position = random.Next(bytes.Count);
            switch (random.Next(8))
            {
                case 0:
                    int bit = random.Next(8);
                    bytes[position] ^= (byte)(1 << bit);
                    steps.Add($"flip bit {bit} at {position}");
                    break;
                case 1:
                    byte value = (byte)random.Next(256);
                    bytes[position] = value;
                    steps.Add($"set {position} to {value}");
                    break;
                case 2:
                    byte edge = random.Next(2) == 0 ? (byte)0x00 : (byte)0xFF;
                    bytes[position] = edge;
                    steps.Add($"set {position} to {edge}");
                    break;
                case 3:
                    bytes.RemoveRange(position, bytes.Count - position);
                    steps.Add($"truncate at {position}");
                    break;
                case 4:
                    byte[] insert = new byte[1 + random.Next(8)];
                    random.NextBytes(insert);
                    bytes.InsertRange(position, insert);
                    steps.Add($"insert {insert.Length} at {position}");
                    break;
                case 5:
                    int remove = Math.Min(1 + random.Next(16), bytes.Count - position);
                    bytes.RemoveRange(position, remove);
                    steps.Add($"remove {remove} at {position}");
                    break;
                case 6:
                    int copy = Math.Min(1 + random.Next(16), bytes.Count - position);
                    bytes.InsertRange(position, bytes.GetRange(position, copy));
                    steps.Add($"duplicate {copy} at {position}");
                    break;
                default:
                    // Bend a message length: the first header of the flight, or a random 3-byte window.
                    int header = random.Next(2) == 0 ? 1 : position;
                    if (header + 2 < bytes.Count)
                    {
                        int delta = random.Next(-3, 4);
                        bytes[header + 2] = (byte)(bytes[header + 2] + delta);
                        steps.Add($"bend length at {header} by {delta}");
                    }

                    break;
            }
        }

        description = string.Join("; ", steps);
        return bytes.ToArray();
    }

    /// <summary>
    /// A handshake exercising every message: the client sends an empty key_share (so the server answers with a
    /// HelloRetryRequest for secp256r1; secp384r1 key generation is ~8 ms here, too slow for hundreds of
    /// handshakes), and the server requires a client certificate. Flights in delivery order:
    /// 0 ClientHello1, 1 HelloRetryRequest, 2 ClientHello2, 3 ServerHello, 4 server handshake flight, 5 client handshake flight.
    /// </summary>
    private static class Scenario
    {
        public const int FlightCount = 6;

        private static readonly Lazy<List<TlsFlight>> Recorded = new(() => new TlsHandshakePair(ClientOptions(), ServerOptions()).Run().Delivered);

        public static TlsClientOptions ClientOptions() => Client(keyShareGroups: [], clientCertificate: ClientCredential);

        public static TlsServerOptions ServerOptions() => Server(clientCertificateMode: TlsClientCertificateMode.Required);

        public static List<TlsFlight> Record()
        {
            Assert.Equal(FlightCount, Recorded.Value.Count);
            return Recorded.Value;
        }
    }
}
