namespace Mycnet.Networking.Interop.Http3;

/// <summary>A response as the client received it: final status, header fields, content size and SHA-256, trailers.</summary>
internal sealed record H3Response(
    long StreamId,
    int Status,
    IReadOnlyList<HttpField> Headers,
    long ContentLength,
    string ContentSha256,
    IReadOnlyList<HttpField>? Trailers);
