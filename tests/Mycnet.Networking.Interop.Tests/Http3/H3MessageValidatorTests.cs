using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Tests.Support;

namespace Mycnet.Networking.Interop.Tests.Http3;

public sealed class H3MessageValidatorTests
{
    [Fact]
    public void Accepts_a_plain_get_and_extracts_its_control_data()
    {
        HttpField[] fields = [.. Wire.Get("/bytes/10"), new("user-agent", "x"), new("te", "trailers")];
        Assert.Null(H3MessageValidator.ValidateRequest(fields, out H3Request request));
        Assert.Equal(("GET", "https", "localhost", "/bytes/10"), (request.Method, request.Scheme, request.Authority, request.Path));
    }

    [Fact]
    public void Accepts_host_instead_of_authority()
    {
        HttpField[] fields = [new(":method", "GET"), new(":scheme", "https"), new(":path", "/"), new("host", "example")];
        Assert.Null(H3MessageValidator.ValidateRequest(fields, out H3Request request));
        Assert.Equal("example", request.Authority);
    }

    public static TheoryData<string[], string> MalformedRequests => new()
    {
        { [":method: GET", ":scheme: https", ":authority: a"], "without :scheme or :path" },
        { [":scheme: https", ":authority: a", ":path: /"], "without :method" },
        { ["GET /", ":path: /again"], "twice" },
        { [":method: GET", "x: 1", ":scheme: https", ":authority: a", ":path: /"], "after a regular field" },
        { ["GET /", ":status: 200"], "not defined for requests" },
        { ["GET /", "X-Upper: 1"], "uppercase" },
        { ["GET /", "bad name: 1"], "invalid character" },
        { ["GET /", "x: a\nb"], "NUL, CR or LF" },
        { ["GET /", "x:  padded"], "whitespace" },
        { ["GET /", "connection: close"], "connection-specific" },
        { ["GET /", "transfer-encoding: chunked"], "connection-specific" },
        { ["GET /", "te: gzip"], "te other than" },
        { [":method: GET", ":scheme: https", ":path: /"], "without :authority or host" },
        { ["GET /", "host: other"], "differ" },
        { [":method: GET", ":scheme: https", ":authority: a", ":path: relative"], "invalid :path" },
        { [":method: GET", ":scheme: https", ":authority: a", ":path: *"], "invalid :path" },
        { [":method: CONNECT", ":authority: a", ":path: /"], "CONNECT" },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public void Rejects_malformed_requests(string[] lines, string reason)
    {
        // "GET /p" expands to a valid GET's pseudo-headers; "name: value" is one field line.
        var fields = new List<HttpField>();
        foreach (string line in lines)
        {
            if (line.StartsWith("GET ", StringComparison.Ordinal))
            {
                fields.AddRange(Wire.Get(line[4..]));
            }
            else
            {
                int colon = line.IndexOf(": ", 1, StringComparison.Ordinal);
                fields.Add(new HttpField(line[..colon], line[(colon + 2)..]));
            }
        }

        string? error = H3MessageValidator.ValidateRequest(fields, out _);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validates_responses_and_their_content_length()
    {
        Assert.Null(H3MessageValidator.ValidateResponse([new(":status", "200"), new("content-length", "42")], out int status, out long? length));
        Assert.Equal((200, 42L), (status, length!.Value));
        Assert.Null(H3MessageValidator.ValidateResponse([new(":status", "204")], out status, out length));
        Assert.Equal(204, status);
        Assert.Null(length);
        Assert.Null(H3MessageValidator.ValidateResponse([new(":status", "200"), new("content-length", "7, 7")], out _, out length));
        Assert.Equal(7L, length);
    }

    [Theory]
    [InlineData("20", "invalid or missing :status")]
    [InlineData("2000", "invalid or missing :status")]
    [InlineData("abc", "invalid or missing :status")]
    [InlineData("101", "invalid or missing :status")]
    [InlineData("099", "invalid or missing :status")]
    public void Rejects_bad_status_codes(string statusText, string reason)
    {
        Assert.Contains(reason, H3MessageValidator.ValidateResponse([new(":status", statusText)], out _, out _), StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_malformed_responses()
    {
        Assert.NotNull(H3MessageValidator.ValidateResponse([new("content-length", "1")], out _, out _));
        Assert.NotNull(H3MessageValidator.ValidateResponse([new(":status", "200"), new(":status", "200")], out _, out _));
        Assert.NotNull(H3MessageValidator.ValidateResponse([new(":status", "200"), new(":path", "/")], out _, out _));
        Assert.NotNull(H3MessageValidator.ValidateResponse([new(":status", "200"), new("content-length", "-1")], out _, out _));
        Assert.NotNull(H3MessageValidator.ValidateResponse([new(":status", "200"), new("content-length", "1, 2")], out _, out _));
        Assert.NotNull(H3MessageValidator.ValidateResponse([new(":status", "200"), new("content-length", "1"), new("content-length", "2")], out _, out _));
    }

    [Fact]
    public void Trailers_may_not_carry_pseudo_headers()
    {
        Assert.Null(H3MessageValidator.ValidateTrailers([new("x-checksum", "abc")]));
        Assert.NotNull(H3MessageValidator.ValidateTrailers([new(":status", "200")]));
    }
}
