// Design: the negotiation as an explicit, sans-IO state machine (after quinn-proto and aioquic). It never reads
// or writes anything: the caller feeds it received control messages (HandleMessage, or HandleMalformed when a
// message would not decode) and polls the messages to send (TryPollOutgoing). Two messages settle it:
//
//   Initiator                         Responder
//   Start ──► Hello ───────────────►  AwaitingHello
//   AwaitingHelloAck  ◄── HelloAck ── (decides with NegotiationRules; Completed)
//   (recomputes the outcome and checks the ack; Completed, or Reject(ProfileMismatch) and Failed)
//
// Any refusal travels as a Reject with a code and reason, and the side that refuses ends in Failed with
// IsRemote = false; the side that receives it ends in Failed with IsRemote = true. Terminal states are final.
using System.Diagnostics.CodeAnalysis;
using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;

namespace Mycnet.Networking.Protocols.Negotiation;

/// <summary>The states of a <see cref="ProfileNegotiator"/>.</summary>
public enum NegotiationState
{
    /// <summary>Created; <see cref="ProfileNegotiator.Start"/> not yet called.</summary>
    Idle = 0,

    /// <summary>Initiator: Hello queued or sent, waiting for the HelloAck.</summary>
    AwaitingHelloAck,

    /// <summary>Responder: waiting for the Hello.</summary>
    AwaitingHello,

    /// <summary>Agreed: <see cref="ProfileNegotiator.Result"/> is set.</summary>
    Completed,

    /// <summary>Refused, by either side: <see cref="ProfileNegotiator.Failure"/> is set.</summary>
    Failed,
}

/// <summary>
/// The profile negotiation as a pure state machine. Call <see cref="Start"/>, then repeatedly send everything
/// <see cref="TryPollOutgoing"/> yields and feed each received message to <see cref="HandleMessage"/> (or
/// <see cref="HandleMalformed"/>), until <see cref="IsFinished"/>. Send the outgoing messages even when the
/// negotiation failed: they carry the Reject that tells the peer why. Not thread-safe: one owner drives it.
/// </summary>
public sealed class ProfileNegotiator
{
    private readonly Queue<ControlMessage> _outgoing = new();
    private Hello? _sentHello;

    /// <summary>Creates a negotiator for <paramref name="local"/>.</summary>
    /// <param name="role">Which side of the control stream this node is on.</param>
    /// <param name="local">This node.</param>
    /// <param name="proposedProfile">The heaviest profile this node wants; the default leaves the choice to the pair matrix.</param>
    /// <exception cref="ArgumentException"><paramref name="local"/> or an enum argument is invalid.</exception>
    public ProfileNegotiator(NegotiationRole role, NodeInfo local, ProtocolProfileKind proposedProfile = ProtocolProfileKind.HighPerformance)
    {
        ArgumentNullException.ThrowIfNull(local);
        Guard.Defined(role, nameof(role));
        Guard.Defined(proposedProfile, nameof(proposedProfile));
        local.Validate();
        Role = role;
        Local = local;
        ProposedProfile = proposedProfile;
    }

    /// <summary>This node's side.</summary>
    public NegotiationRole Role { get; }

    /// <summary>This node.</summary>
    public NodeInfo Local { get; }

    /// <summary>The heaviest profile this node wants.</summary>
    public ProtocolProfileKind ProposedProfile { get; }

    /// <summary>The current state.</summary>
    public NegotiationState State { get; private set; }

    /// <summary>Whether the negotiation reached <see cref="NegotiationState.Completed"/> or <see cref="NegotiationState.Failed"/>.</summary>
    public bool IsFinished => State is NegotiationState.Completed or NegotiationState.Failed;

    /// <summary>The agreement, once <see cref="NegotiationState.Completed"/>.</summary>
    public NegotiationResult? Result { get; private set; }

    /// <summary>Why it failed, once <see cref="NegotiationState.Failed"/>.</summary>
    public NegotiationException? Failure { get; private set; }

    /// <summary>Starts: the initiator queues its Hello; the responder begins waiting for one.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public void Start()
    {
        if (State != NegotiationState.Idle)
        {
            throw new InvalidOperationException($"The negotiation was already started (state {State}).");
        }

        if (Role == NegotiationRole.Initiator)
        {
            _sentHello = new Hello(Local.Capabilities.MaxProtocolVersion, Local, ProposedProfile);
            _outgoing.Enqueue(_sentHello);
            State = NegotiationState.AwaitingHelloAck;
        }
        else
        {
            State = NegotiationState.AwaitingHello;
        }
    }

    /// <summary>Feeds a received control message.</summary>
    /// <exception cref="InvalidOperationException">Not started, or already finished.</exception>
    public void HandleMessage(ControlMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        EnsureRunning();
        switch (State, message)
        {
            case (_, NegotiationReject reject):
                Fail(new NegotiationException(reject.Code, reject.Reason, isRemote: true), sendReject: false);
                break;
            case (NegotiationState.AwaitingHello, Hello hello):
                HandleHello(hello);
                break;
            case (NegotiationState.AwaitingHelloAck, HelloAck ack):
                HandleHelloAck(ack);
                break;
            default:
                Refuse(NegotiationErrorCode.UnexpectedMessage, $"A {message.Type} is not expected in state {State}.");
                break;
        }
    }

    /// <summary>Reports a control message that could not be decoded: the negotiation fails with <see cref="NegotiationErrorCode.MalformedMessage"/>.</summary>
    /// <exception cref="InvalidOperationException">Not started, or already finished.</exception>
    public void HandleMalformed(string reason)
    {
        EnsureRunning();
        Refuse(NegotiationErrorCode.MalformedMessage, reason);
    }

    /// <summary>Reports that the control stream ended: the negotiation fails with <see cref="NegotiationErrorCode.StreamClosed"/>.</summary>
    /// <exception cref="InvalidOperationException">Not started, or already finished.</exception>
    public void HandleStreamClosed()
    {
        EnsureRunning();
        Fail(new NegotiationException(NegotiationErrorCode.StreamClosed, $"The control stream ended in state {State}.", isRemote: false), sendReject: false);
    }

    /// <summary>Takes the next message to send, if any.</summary>
    public bool TryPollOutgoing([NotNullWhen(true)] out ControlMessage? message) => _outgoing.TryDequeue(out message);

    private void HandleHello(Hello hello)
    {
        var mine = new NegotiationRules.Announcement(Local, Local.Capabilities.MaxProtocolVersion, ProposedProfile);
        var theirs = new NegotiationRules.Announcement(hello.Node, hello.ProtocolVersion, hello.ProposedProfile);
        NegotiationRules.Outcome outcome = NegotiationRules.Decide(mine, theirs);
        if (!outcome.Success)
        {
            Refuse(outcome.Error, outcome.Reason!);
            return;
        }

        _outgoing.Enqueue(new HelloAck(outcome.ProtocolVersion, Local, outcome.Profile!.Kind));
        Complete(outcome, hello.Node);
    }

    private void HandleHelloAck(HelloAck ack)
    {
        // The responder decided min(matrix, our proposal, its proposal); standing in its decision for its
        // proposal must give the same outcome, or the two sides disagree.
        var theirs = new NegotiationRules.Announcement(ack.Node, ack.ProtocolVersion, ack.Profile);
        NegotiationRules.Outcome outcome = NegotiationRules.Decide(
            new NegotiationRules.Announcement(Local, _sentHello!.ProtocolVersion, ProposedProfile),
            theirs);
        if (!outcome.Success)
        {
            Refuse(outcome.Error, outcome.Reason!);
            return;
        }

        if (outcome.ProtocolVersion != ack.ProtocolVersion || outcome.Profile!.Kind != ack.Profile)
        {
            Refuse(
                NegotiationErrorCode.ProfileMismatch,
                $"The responder chose version {ack.ProtocolVersion} and profile {ack.Profile}, but the announcements give version {outcome.ProtocolVersion} and profile {outcome.Profile!.Kind}.");
            return;
        }

        Complete(outcome, ack.Node);
    }

    private void Complete(NegotiationRules.Outcome outcome, NodeInfo peer)
    {
        Result = new NegotiationResult(outcome.ProtocolVersion, outcome.Profile!, outcome.MaxMessageSize, Local, peer);
        State = NegotiationState.Completed;
    }

    private void Refuse(NegotiationErrorCode code, string reason) =>
        Fail(new NegotiationException(code, reason, isRemote: false), sendReject: true);

    private void Fail(NegotiationException failure, bool sendReject)
    {
        if (sendReject)
        {
            _outgoing.Enqueue(new NegotiationReject(failure.Code, failure.Reason));
        }

        Failure = failure;
        State = NegotiationState.Failed;
    }

    private void EnsureRunning()
    {
        if (State == NegotiationState.Idle)
        {
            throw new InvalidOperationException("Call Start before feeding messages.");
        }

        if (IsFinished)
        {
            throw new InvalidOperationException($"The negotiation already finished ({State}).");
        }
    }
}
