// Design: the only I/O around the negotiation state machine. It carries control messages as length-prefixed
// MessagePack frames over any duplex Stream — an in-memory pipe in tests, a QUIC control stream once the public
// QUIC API exists — and contains no negotiation logic of its own: it writes what the negotiator queues, reads
// and decodes what arrives, and turns decoding failures and a closed stream into negotiator inputs.
using System.Buffers;
using Mycnet.Networking.Protocols.Framing;
using Mycnet.Networking.Protocols.MessagePack;

namespace Mycnet.Networking.Protocols.Negotiation;

/// <summary>Runs a <see cref="ProfileNegotiator"/> over a duplex <see cref="Stream"/>.</summary>
public static class NegotiationDriver
{
    /// <summary>
    /// Negotiates over <paramref name="stream"/>: starts <paramref name="negotiator"/>, exchanges Hello / HelloAck
    /// (or Reject) as length-prefixed frames, and returns the agreement. The stream is left open.
    /// </summary>
    /// <exception cref="NegotiationException">Either side refused, a message was malformed, or the stream ended early.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (use it for a timeout).</exception>
    public static async ValueTask<NegotiationResult> RunAsync(ProfileNegotiator negotiator, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(negotiator);
        ArgumentNullException.ThrowIfNull(stream);
        negotiator.Start();
        await FlushAsync(negotiator, stream, cancellationToken).ConfigureAwait(false);
        while (!negotiator.IsFinished)
        {
            byte[]? frame;
            try
            {
                frame = await LengthPrefixedFraming.ReadFrameAsync(stream, ControlMessageCodec.MaxMessageLength, cancellationToken).ConfigureAwait(false);
            }
            catch (FramingException ex)
            {
                negotiator.HandleMalformed(ex.Message);
                await FlushAsync(negotiator, stream, cancellationToken).ConfigureAwait(false);
                break;
            }

            if (frame is null)
            {
                negotiator.HandleStreamClosed();
                break;
            }

            ControlMessage message;
            try
            {
                message = ControlMessageCodec.Read(new ReadOnlySequence<byte>(frame));
            }
            catch (MessagePackException ex)
            {
                negotiator.HandleMalformed($"A control message could not be decoded: {ex.Message}");
                await FlushAsync(negotiator, stream, cancellationToken).ConfigureAwait(false);
                break;
            }

            negotiator.HandleMessage(message);
            await FlushAsync(negotiator, stream, cancellationToken).ConfigureAwait(false);
        }

        return negotiator.State == NegotiationState.Completed
            ? negotiator.Result!
            : throw negotiator.Failure!;
    }

    private static async ValueTask FlushAsync(ProfileNegotiator negotiator, Stream stream, CancellationToken cancellationToken)
    {
        bool wrote = false;
        while (negotiator.TryPollOutgoing(out ControlMessage? message))
        {
            await LengthPrefixedFraming.WriteFrameAsync(stream, ControlMessageCodec.Encode(message), cancellationToken).ConfigureAwait(false);
            wrote = true;
        }

        if (wrote)
        {
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
