using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>How a client confirms its handshake when the server's HANDSHAKE_DONE never reaches it.</summary>
public sealed class HandshakeConfirmationTests
{
    [Fact]
    public void HandshakeDoneNeverArrives_ClientConfirmsWhenOneOfItsOneRttPacketsIsAcknowledged()
    {
        // Every HANDSHAKE_DONE the server sends is turned into PADDING (same length, resealed with
        // the recorded keys), so only RFC 9001 §4.1.2's other rule can confirm the client: an
        // acknowledgment of a 1-RTT packet it sent.
        using var pair = new MutationPair(seed: 23);
        Connection? client = null;
        using var ring = new MutationKeyRing(() => client?.CipherSuite);
        int removed = 0;
        pair.Client.Rewrite = datagram =>
        {
            foreach (OpenedPacket packet in ring.OpenOriginal(Direction.ServerToClient, datagram))
            {
                if (packet.Level != EncryptionLevel.OneRtt)
                {
                    continue;
                }

                byte[] plaintext = (byte[])packet.Plaintext.Clone();
                bool edited = false;
                foreach (FrameInfo frame in FrameLayout.Walk(plaintext, out _))
                {
                    if (frame.Type == FrameType.HandshakeDone)
                    {
                        plaintext[frame.Start] = (byte)FrameType.Padding;
                        edited = true;
                        removed++;
                    }
                }

                if (edited)
                {
                    byte[] sealedPacket = ring.Seal(Direction.ServerToClient, packet, plaintext);
                    Assert.Equal(packet.DatagramLength, sealedPacket.Length);
                    sealedPacket.CopyTo(datagram, packet.DatagramOffset);
                }
            }

            return datagram;
        };
        client = pair.Connect(keyRing: ring);
        pair.RunUntil(() => client.IsHandshakeComplete, TimeSpan.FromSeconds(5), "handshake completion");
        Assert.False(client.IsHandshakeConfirmed);

        // A PING in a 1-RTT packet: the server's ACK of it confirms the handshake.
        client.Ping();
        pair.RunUntil(() => client.IsHandshakeConfirmed, TimeSpan.FromSeconds(5), "confirmation by a 1-RTT acknowledgment");

        Assert.True(removed > 0, "no HANDSHAKE_DONE was seen, so the test proved nothing");
        Assert.Null(client.CloseInfo);
    }
}
