using Mycnet.Networking.Protocols.Negotiation;
using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;
using Mycnet.Networking.Quic;

namespace Mycnet.Networking.Protocols.Quic;

/// <summary>
/// Runs profile negotiation on a QUIC connection's control stream: the first bidirectional stream,
/// opened by the initiator (the client) right after the handshake.
/// </summary>
/// <remarks>
/// <para>The initiator opens the control stream and sends its Hello; the responder accepts the first
/// inbound stream, which must be bidirectional, and answers with a HelloAck or a Reject. Both sides
/// then end the stream. A failure on either side closes the connection with the application error
/// code <see cref="CloseErrorCodeBase"/> + <see cref="NegotiationErrorCode"/>, so the peer learns
/// why even when the failure happens after the responder finished (the initiator rejects a HelloAck
/// that disagrees with its own computation, <see cref="NegotiationErrorCode.ProfileMismatch"/>).</para>
/// <para>Cancellation (including a timeout the caller sets on the token) abandons the negotiation
/// and closes the connection with <see cref="NegotiationErrorCode.StreamClosed"/>.</para>
/// </remarks>
public static class QuicProfileNegotiation
{
    /// <summary>The application error codes of negotiation failures: this plus the <see cref="NegotiationErrorCode"/>.</summary>
    public const long CloseErrorCodeBase = 0x4E47_0000;

    /// <summary>Negotiates as the initiator (the side that connected).</summary>
    public static Task<NegotiationResult> InitiateAsync(QuicConnection connection, NodeInfo local, ProtocolProfileKind proposedProfile = ProtocolProfileKind.HighPerformance, CancellationToken cancellationToken = default) =>
        NegotiateAsync(connection, new ProfileNegotiator(NegotiationRole.Initiator, local, proposedProfile), cancellationToken);

    /// <summary>Negotiates as the responder (the side that accepted).</summary>
    public static Task<NegotiationResult> RespondAsync(QuicConnection connection, NodeInfo local, ProtocolProfileKind proposedProfile = ProtocolProfileKind.HighPerformance, CancellationToken cancellationToken = default) =>
        NegotiateAsync(connection, new ProfileNegotiator(NegotiationRole.Responder, local, proposedProfile), cancellationToken);

    /// <summary>The negotiation error a peer closed the connection with, when its application error code is one of ours.</summary>
    public static bool TryGetNegotiationError(QuicException exception, out NegotiationErrorCode code)
    {
        ArgumentNullException.ThrowIfNull(exception);
        long value = exception.ApplicationErrorCode ?? -1;
        if (value > CloseErrorCodeBase && value <= CloseErrorCodeBase + 0xFFFF && Enum.IsDefined((NegotiationErrorCode)(value - CloseErrorCodeBase)))
        {
            code = (NegotiationErrorCode)(value - CloseErrorCodeBase);
            return true;
        }

        code = default;
        return false;
    }

    private static async Task<NegotiationResult> NegotiateAsync(QuicConnection connection, ProfileNegotiator negotiator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        QuicStream? control = null;
        try
        {
            control = negotiator.Role == NegotiationRole.Initiator
                ? await connection.OpenOutboundStreamAsync(QuicStreamType.Bidirectional, cancellationToken).ConfigureAwait(false)
                : await connection.AcceptInboundStreamAsync(cancellationToken).ConfigureAwait(false);
            if (control.Type != QuicStreamType.Bidirectional)
            {
                throw new NegotiationException(NegotiationErrorCode.UnexpectedMessage, "The first stream the initiator opened is not bidirectional, so it cannot be the control stream.", isRemote: false);
            }

            NegotiationResult result = await NegotiationDriver.RunAsync(negotiator, control, cancellationToken).ConfigureAwait(false);
            control.CompleteWrites();
            return result;
        }
        catch (NegotiationException failure)
        {
            if (control is not null && !failure.IsRemote)
            {
                // We sent a Reject: let it reach the peer before the connection closes under it.
                await DeliverRejectAsync(control).ConfigureAwait(false);
            }

            await CloseQuietlyAsync(connection, failure.Code).ConfigureAwait(false);
            throw;
        }
        catch (QuicException closed) when (TryGetNegotiationError(closed, out NegotiationErrorCode code))
        {
            // The peer failed the negotiation and closed the connection before we read its Reject.
            throw new NegotiationException(code, $"The peer closed the connection because negotiation failed ({code}).", isRemote: true, closed);
        }
        catch (OperationCanceledException)
        {
            await CloseQuietlyAsync(connection, NegotiationErrorCode.StreamClosed).ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (control is not null)
            {
                await control.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>How long a side that rejects waits for the peer to acknowledge the Reject before closing.</summary>
    private static readonly TimeSpan RejectDeliveryTimeout = TimeSpan.FromSeconds(2);

    private static async Task DeliverRejectAsync(QuicStream control)
    {
        try
        {
            control.CompleteWrites();
            await control.WritesClosed.WaitAsync(RejectDeliveryTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QuicException or TimeoutException or InvalidOperationException or ObjectDisposedException)
        {
            // The peer is gone or slow; the close that follows carries the reason anyway.
        }
    }

    private static async Task CloseQuietlyAsync(QuicConnection connection, NegotiationErrorCode code)
    {
        try
        {
            await connection.CloseAsync(CloseErrorCodeBase + (long)code).ConfigureAwait(false);
        }
        catch (QuicException)
        {
            // Already closed by the peer or the transport: the failure is reported by the caller's exception.
        }
    }
}
