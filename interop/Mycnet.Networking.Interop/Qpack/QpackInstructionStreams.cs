using Mycnet.Networking.Interop.Http3;

namespace Mycnet.Networking.Interop.Qpack;

/// <summary>
/// Reads the peer's QPACK encoder and decoder streams (RFC 9204 §4.3, §4.4) for an endpoint that
/// uses no dynamic table in either direction.
/// </summary>
/// <remarks>
/// This endpoint announced SETTINGS_QPACK_MAX_TABLE_CAPACITY = 0, so on the peer's encoder stream only
/// "Set Dynamic Table Capacity 0" is valid; a larger capacity or any insert or duplicate is
/// QPACK_ENCODER_STREAM_ERROR (§4.3.1: a capacity over the limit; an entry cannot fit in a table of
/// capacity 0). This endpoint's encoder never references the dynamic table, so on the peer's decoder
/// stream a Section Acknowledgment (§4.4.1) and any Insert Count Increment (§4.4.3) are
/// QPACK_DECODER_STREAM_ERROR, while Stream Cancellation (§4.4.2) is valid and needs no action.
/// Both loops return when the stream ends; the caller treats that as a closed critical stream.
/// </remarks>
internal static class QpackInstructionStreams
{
    /// <summary>The longest prefixed integer accepted: 1 prefix byte + 9 continuation bytes (62 bits).</summary>
    private const int MaxIntegerLength = 10;

    public static async Task RunPeerEncoderStreamAsync(H3StreamReader reader, CancellationToken cancellationToken)
    {
        while (await reader.FillAsync(1, cancellationToken).ConfigureAwait(false))
        {
            byte first = reader.BufferedSpan[0];
            if ((first & 0xE0) != 0x20)
            {
                string kind = (first & 0x80) != 0 ? "Insert with Name Reference" : (first & 0x40) != 0 ? "Insert with Literal Name" : "Duplicate";
                throw new H3ConnectionException(H3ErrorCode.QpackEncoderStreamError, $"{kind} instruction, but the dynamic table capacity is 0");
            }

            ulong? capacity = await ReadIntegerAsync(reader, 5, H3ErrorCode.QpackEncoderStreamError, cancellationToken).ConfigureAwait(false);
            if (capacity is null)
            {
                return;
            }

            if (capacity.Value != 0)
            {
                throw new H3ConnectionException(H3ErrorCode.QpackEncoderStreamError, $"Set Dynamic Table Capacity {capacity} exceeds SETTINGS_QPACK_MAX_TABLE_CAPACITY 0");
            }
        }
    }

    public static async Task RunPeerDecoderStreamAsync(H3StreamReader reader, CancellationToken cancellationToken)
    {
        while (await reader.FillAsync(1, cancellationToken).ConfigureAwait(false))
        {
            byte first = reader.BufferedSpan[0];
            if ((first & 0x80) != 0)
            {
                ulong? streamId = await ReadIntegerAsync(reader, 7, H3ErrorCode.QpackDecoderStreamError, cancellationToken).ConfigureAwait(false);
                if (streamId is null)
                {
                    return;
                }

                throw new H3ConnectionException(H3ErrorCode.QpackDecoderStreamError, $"Section Acknowledgment for stream {streamId}, but no field section referenced the dynamic table");
            }

            if ((first & 0x40) != 0)
            {
                // Stream Cancellation: nothing to release without a dynamic table.
                if (await ReadIntegerAsync(reader, 6, H3ErrorCode.QpackDecoderStreamError, cancellationToken).ConfigureAwait(false) is null)
                {
                    return;
                }

                continue;
            }

            ulong? increment = await ReadIntegerAsync(reader, 6, H3ErrorCode.QpackDecoderStreamError, cancellationToken).ConfigureAwait(false);
            if (increment is null)
            {
                return;
            }

            throw new H3ConnectionException(H3ErrorCode.QpackDecoderStreamError, $"Insert Count Increment {increment}, but nothing was ever inserted");
        }
    }

    /// <summary>Reads one prefixed integer; null when the stream ends first; a malformed one is <paramref name="error"/>.</summary>
    private static async ValueTask<ulong?> ReadIntegerAsync(H3StreamReader reader, int prefixBits, H3ErrorCode error, CancellationToken cancellationToken)
    {
        int need = 1;
        while (true)
        {
            if (!await reader.FillAsync(need, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            ReadOnlySpan<byte> buffered = reader.BufferedSpan;
            int position = 0;
            if (QpackPrimitives.TryReadInteger(buffered, ref position, prefixBits, out ulong value))
            {
                reader.Consume(position);
                return value;
            }

            if (buffered.Length >= MaxIntegerLength)
            {
                throw new H3ConnectionException(error, "an instruction integer is longer than 62 bits");
            }

            need = buffered.Length + 1;
        }
    }
}
