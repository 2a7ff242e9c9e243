using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Core.Tests.ConnectionIds;

public sealed class ConnectionIdSetTests
{
    private static readonly StatelessResetTokenGenerator Tokens = new(new byte[32]);

    private static ConnectionId Cid(byte b, int length = 8) => new(Enumerable.Repeat(b, length).ToArray());

    private static StatelessResetToken Token(byte b) => new(Enumerable.Repeat(b, 16).ToArray());

    [Fact]
    public void Local_IssuesUpToThePeerLimitAndReplacesRetiredIds()
    {
        var set = new LocalConnectionIdSet(Cid(1), new SeededRandomSource(7), Tokens);
        set.SetPeerLimit(4);
        Assert.Equal(4, set.ActiveCount);
        var issued = new List<ulong>();
        while (set.TryDequeueNewIdFrame(out ulong seq, out ConnectionId id, out StatelessResetToken token))
        {
            issued.Add(seq);
            Assert.Equal(8, id.Length);
            Assert.Equal(Tokens.Compute(id), token);
        }

        Assert.Equal([1UL, 2UL, 3UL], issued);
        var added = 0;
        while (set.TryDequeueRoutingChange(out RoutingChange change))
        {
            Assert.True(change.Added);
            added++;
        }

        Assert.Equal(3, added);

        set.OnRetireConnectionId(0, packetDestination: Cid(99));
        Assert.Equal(4, set.ActiveCount);
        Assert.True(set.TryDequeueNewIdFrame(out ulong replacement, out _, out _));
        Assert.Equal(4UL, replacement);
        Assert.True(set.TryDequeueRoutingChange(out RoutingChange removed));
        Assert.Equal(new RoutingChange(Cid(1), Added: false), removed);
    }

    [Fact]
    public void Local_PeerLimitAboveOurCapIsClamped()
    {
        var set = new LocalConnectionIdSet(Cid(1), new SeededRandomSource(7), Tokens);
        set.SetPeerLimit(1000);
        Assert.Equal(LocalConnectionIdSet.MaxActive, set.ActiveCount);
    }

    [Fact]
    public void Local_RetireOfUnissuedSequence_IsProtocolViolation()
    {
        var set = new LocalConnectionIdSet(Cid(1), new SeededRandomSource(7), Tokens);
        set.SetPeerLimit(2);
        var error = Assert.Throws<QuicProtocolException>(() => set.OnRetireConnectionId(5, Cid(99)));
        Assert.Equal(TransportErrorCode.ProtocolViolation, error.ErrorCode);
    }

    [Fact]
    public void Local_RetiringThePacketsOwnDestination_IsProtocolViolation()
    {
        var set = new LocalConnectionIdSet(Cid(1), new SeededRandomSource(7), Tokens);
        set.SetPeerLimit(2);
        var error = Assert.Throws<QuicProtocolException>(() => set.OnRetireConnectionId(0, Cid(1)));
        Assert.Equal(TransportErrorCode.ProtocolViolation, error.ErrorCode);
    }

    [Fact]
    public void Local_ZeroLengthIdsIssueNothingAndRefuseRetire()
    {
        var set = new LocalConnectionIdSet(ConnectionId.Empty, new SeededRandomSource(7), Tokens);
        set.SetPeerLimit(4);
        Assert.Equal(1, set.ActiveCount);
        Assert.False(set.HasPendingFrames);
        Assert.Throws<QuicProtocolException>(() => set.OnRetireConnectionId(0, ConnectionId.Empty));
    }

    [Fact]
    public void Local_LostNewIdFrame_IsResentOnlyWhileActive()
    {
        var set = new LocalConnectionIdSet(Cid(1), new SeededRandomSource(7), Tokens);
        set.SetPeerLimit(3);
        while (set.TryDequeueNewIdFrame(out _, out _, out _))
        {
        }

        set.OnNewIdFrameLost(1);
        Assert.True(set.TryDequeueNewIdFrame(out ulong again, out _, out _));
        Assert.Equal(1UL, again);
        set.OnRetireConnectionId(1, Cid(99));
        while (set.TryDequeueNewIdFrame(out _, out _, out _))
        {
        }

        set.OnNewIdFrameLost(1);
        Assert.False(set.TryDequeueNewIdFrame(out _, out _, out _));
    }

    [Fact]
    public void Peer_NewIdsAreAcceptedUpToOurLimit()
    {
        var set = new PeerConnectionIdSet(activeConnectionIdLimit: 3, Cid(50));
        set.SetHandshakeId(Cid(60));
        set.OnNewConnectionId(1, 0, Cid(61), Token(1));
        set.OnNewConnectionId(2, 0, Cid(62), Token(2));
        Assert.Equal(3, set.ActiveCount);
        set.OnNewConnectionId(2, 0, Cid(62), Token(2)); // retransmission
        var error = Assert.Throws<QuicProtocolException>(() => set.OnNewConnectionId(3, 0, Cid(63), Token(3)));
        Assert.Equal(TransportErrorCode.ConnectionIdLimitError, error.ErrorCode);
    }

    [Fact]
    public void Peer_RetirePriorToRetiresOlderIdsAndSwitchesTheCurrentOne()
    {
        var set = new PeerConnectionIdSet(activeConnectionIdLimit: 4, Cid(50));
        set.SetHandshakeId(Cid(60));
        set.OnNewConnectionId(1, 0, Cid(61), Token(1));
        set.OnNewConnectionId(2, 2, Cid(62), Token(2));
        Assert.Equal(Cid(62), set.Current);
        var retired = new List<ulong>();
        while (set.TryDequeueRetireFrame(out ulong seq))
        {
            retired.Add(seq);
        }

        retired.Sort();
        Assert.Equal([0UL, 1UL], retired);

        // A late NEW_CONNECTION_ID below Retire Prior To is retired at once (§19.15).
        set.OnNewConnectionId(1, 0, Cid(71), Token(7));
        Assert.False(set.TryDequeueRetireFrame(out _)); // sequence 1 is already being retired
    }

    [Fact]
    public void Peer_SequenceReusedForAnotherId_IsProtocolViolation()
    {
        var set = new PeerConnectionIdSet(activeConnectionIdLimit: 4, Cid(50));
        set.SetHandshakeId(Cid(60));
        set.OnNewConnectionId(1, 0, Cid(61), Token(1));
        Assert.Throws<QuicProtocolException>(() => set.OnNewConnectionId(1, 0, Cid(62), Token(1)));
        Assert.Throws<QuicProtocolException>(() => set.OnNewConnectionId(2, 0, Cid(61), Token(2)));
    }

    [Fact]
    public void Peer_ZeroLengthPeerIds_RefuseNewConnectionId()
    {
        var set = new PeerConnectionIdSet(activeConnectionIdLimit: 4, ConnectionId.Empty);
        set.SetHandshakeId(ConnectionId.Empty);
        Assert.Throws<QuicProtocolException>(() => set.OnNewConnectionId(1, 0, Cid(61), Token(1)));
    }

    [Fact]
    public void Peer_StatelessResetTokenOfAnActiveIdIsRecognised()
    {
        var set = new PeerConnectionIdSet(activeConnectionIdLimit: 4, Cid(50));
        set.SetHandshakeId(Cid(60));
        set.SetHandshakeResetToken(Token(9));
        set.OnNewConnectionId(1, 0, Cid(61), Token(1));
        Assert.True(set.IsStatelessReset(Token(9).Span.ToArray()));
        Assert.True(set.IsStatelessReset(Token(1).Span.ToArray()));
        Assert.False(set.IsStatelessReset(Token(2).Span.ToArray()));
        set.Retire(1);
        Assert.False(set.IsStatelessReset(Token(1).Span.ToArray()));
    }

    [Fact]
    public void Peer_TooManyUnacknowledgedRetirements_IsConnectionIdLimitError()
    {
        var set = new PeerConnectionIdSet(activeConnectionIdLimit: 2, Cid(50));
        set.SetHandshakeId(Cid(60));
        Assert.Throws<QuicProtocolException>(() =>
        {
            for (ulong seq = 1; seq < 20; seq++)
            {
                set.OnNewConnectionId(seq, seq, Cid((byte)(60 + seq)), Token((byte)seq));
            }
        });
    }

    [Fact]
    public void StatelessResetTokens_AreStablePerIdAndDifferAcrossIds()
    {
        var a = Tokens.Compute(Cid(1));
        Assert.Equal(a, Tokens.Compute(Cid(1)));
        Assert.NotEqual(a, Tokens.Compute(Cid(2)));
        Assert.NotEqual(a, new StatelessResetTokenGenerator(Enumerable.Repeat((byte)1, 32).ToArray()).Compute(Cid(1)));
    }
}
