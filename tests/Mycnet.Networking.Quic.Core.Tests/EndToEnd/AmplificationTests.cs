using System.Net;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Core.Tests.EndToEnd;

/// <summary>RFC 9000 §8.1: before validating the client's address the server sends at most three times what it received.</summary>
public sealed class AmplificationTests
{
    /// <summary>Checks the 3× limit on every datagram the server sends, until a client Handshake packet validates the address.</summary>
    private sealed class AmplificationWatch
    {
        private long _received;
        private long _sent;
        private bool _validated;

        public AmplificationWatch(SimulatedNetwork network, IPEndPoint server)
        {
            network.DatagramObserved += e =>
            {
                if (_validated)
                {
                    return;
                }

                if (e.Kind == SimDatagramEventKind.Delivered && e.Destination.Equals(server))
                {
                    _received += e.Datagram.Length;
                    if (ContainsHandshakePacket(e.Datagram))
                    {
                        _validated = true;
                    }
                }
                else if (e.Kind == SimDatagramEventKind.Sent && e.Source.Equals(server))
                {
                    _sent += e.Datagram.Length;
                    DatagramsChecked++;
                    if (_sent > 3 * _received)
                    {
                        Violation ??= $"server sent {_sent} bytes after receiving {_received} at {e.Time}";
                    }
                }
            };
        }

        public int DatagramsChecked { get; private set; }

        public string? Violation { get; private set; }

        public long Sent => _sent;

        private static bool ContainsHandshakePacket(ReadOnlySpan<byte> datagram)
        {
            var reader = new CoalescedPacketReader(datagram, 8);
            while (reader.TryReadNext(out PacketHeader header, out _))
            {
                if (header.Type == PacketType.Handshake)
                {
                    return true;
                }
            }

            return false;
        }
    }

    [Fact]
    public void Amplification_ClientSilentAfterFirstInitial_ServerNeverExceedsThreeTimes()
    {
        var pair = new SimPair(seed: 50);
        var watch = new AmplificationWatch(pair.Network, SimPair.ServerAddress);

        // Everything the client sends after its first datagram is lost: the server keeps
        // retransmitting its flight on PTO and must stop at 3 × 1200 bytes.
        pair.Links.AToB.AddBlackout(Instant.FromTicks(1), TimeSpan.FromSeconds(30));
        pair.Connect();
        pair.Network.RunFor(TimeSpan.FromSeconds(15));
        Assert.Null(watch.Violation);
        Assert.True(watch.DatagramsChecked >= 3, $"the server sent {watch.DatagramsChecked} datagrams");
        Assert.True(watch.Sent > 1200 * 2, "the server used its allowance (PTO retransmissions were limited, not absent)");
    }

    [Fact]
    public void Amplification_CheckedOnEveryDatagramOfLossyHandshakes()
    {
        var pair = new SimPair(seed: 51, new LinkConditions { Latency = TimeSpan.FromMilliseconds(15), LossProbability = 0.3 });
        var watch = new AmplificationWatch(pair.Network, SimPair.ServerAddress);
        Connection client = pair.Connect();
        pair.RunUntil(() => client.IsHandshakeConfirmed || client.State == ConnectionState.Terminated, TimeSpan.FromSeconds(30), "handshake at 30% loss");
        Assert.Null(watch.Violation);
        Assert.True(client.IsHandshakeConfirmed);
    }
}
