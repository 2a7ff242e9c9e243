using System.Globalization;

namespace Mycnet.Networking.Interop.Http3;

/// <summary>
/// Checks decoded header and trailer sections against the rules that make an HTTP/3 message
/// malformed (RFC 9114 §4.1.2, §4.2, §4.3): field name and value characters, lowercase names,
/// connection-specific fields, pseudo-header presence, position and uniqueness. A violation is a
/// stream error of type H3_MESSAGE_ERROR; each method returns null when the section is valid and
/// otherwise a message saying what is wrong.
/// </summary>
internal static class H3MessageValidator
{
    /// <summary>Validates a request header section and extracts its control data.</summary>
    public static string? ValidateRequest(IReadOnlyList<HttpField> fields, out H3Request request)
    {
        request = default;
        string? method = null;
        string? scheme = null;
        string? authority = null;
        string? path = null;
        string? host = null;
        bool regularSeen = false;
        foreach (HttpField field in fields)
        {
            if (ValidateFieldLine(field) is { } invalid)
            {
                return invalid;
            }

            if (field.Name[0] == ':')
            {
                // §4.3: pseudo-header fields come first, once each, and only the defined ones.
                if (regularSeen)
                {
                    return $"pseudo-header {field.Name} after a regular field";
                }

                ref string? slot = ref method;
                switch (field.Name)
                {
                    case ":method":
                        slot = ref method;
                        break;
                    case ":scheme":
                        slot = ref scheme;
                        break;
                    case ":authority":
                        slot = ref authority;
                        break;
                    case ":path":
                        slot = ref path;
                        break;
                    default:
                        return $"pseudo-header {field.Name} is not defined for requests";
                }

                if (slot is not null)
                {
                    return $"pseudo-header {field.Name} appears twice";
                }

                slot = field.Value;
                continue;
            }

            regularSeen = true;
            if (string.Equals(field.Name, "host", StringComparison.Ordinal))
            {
                host = field.Value;
            }
        }

        if (method is null or "")
        {
            return "request without :method";
        }

        if (string.Equals(method, "CONNECT", StringComparison.Ordinal))
        {
            // §4.4: CONNECT carries :authority only.
            if (scheme is not null || path is not null || authority is null or "")
            {
                return "CONNECT request must have :authority and neither :scheme nor :path";
            }
        }
        else
        {
            if (scheme is null or "" || path is null)
            {
                return "request without :scheme or :path";
            }

            if (path.Length == 0 || (path is "*" ? method is not "OPTIONS" : path[0] != '/'))
            {
                return $"invalid :path '{path}'";
            }

            // §4.3.1: http and https need an authority (either field, not empty, equal when both).
            if (scheme is "http" or "https")
            {
                if (authority is null && host is null)
                {
                    return "request without :authority or host";
                }

                if (authority is "" || host is "" || (authority is not null && host is not null && !string.Equals(authority, host, StringComparison.Ordinal)))
                {
                    return ":authority and host are empty or differ";
                }
            }
        }

        request = new H3Request(method, scheme ?? string.Empty, authority ?? host ?? string.Empty, path ?? string.Empty, fields);
        return null;
    }

    /// <summary>Validates a response header section; returns its status and content-length (null when absent).</summary>
    public static string? ValidateResponse(IReadOnlyList<HttpField> fields, out int status, out long? contentLength)
    {
        status = 0;
        contentLength = null;
        string? statusText = null;
        bool regularSeen = false;
        foreach (HttpField field in fields)
        {
            if (ValidateFieldLine(field) is { } invalid)
            {
                return invalid;
            }

            if (field.Name[0] == ':')
            {
                if (regularSeen)
                {
                    return $"pseudo-header {field.Name} after a regular field";
                }

                if (!string.Equals(field.Name, ":status", StringComparison.Ordinal))
                {
                    return $"pseudo-header {field.Name} is not defined for responses";
                }

                if (statusText is not null)
                {
                    return ":status appears twice";
                }

                statusText = field.Value;
                continue;
            }

            regularSeen = true;
            if (string.Equals(field.Name, "content-length", StringComparison.Ordinal))
            {
                if (ParseContentLength(field.Value) is not long length || (contentLength is { } previous && previous != length))
                {
                    return $"invalid or conflicting content-length '{field.Value}'";
                }

                contentLength = length;
            }
        }

        // §4.3.2: :status is required; a 3-digit code. 101 is not supported in HTTP/3 (§4.5).
        if (statusText is null || statusText.Length != 3 || !int.TryParse(statusText, NumberStyles.None, CultureInfo.InvariantCulture, out status) || status < 100 || status == 101)
        {
            status = 0;
            return $"invalid or missing :status '{statusText}'";
        }

        return null;
    }

    /// <summary>Validates a trailer section: valid field lines and no pseudo-headers (§4.3).</summary>
    public static string? ValidateTrailers(IReadOnlyList<HttpField> fields)
    {
        foreach (HttpField field in fields)
        {
            if (ValidateFieldLine(field) is { } invalid)
            {
                return invalid;
            }

            if (field.Name[0] == ':')
            {
                return $"pseudo-header {field.Name} in a trailer section";
            }
        }

        return null;
    }

    /// <summary>
    /// A content-length value: digits, or a list of equal digit strings ("42, 42", RFC 9110 §8.6); null when invalid.
    /// </summary>
    public static long? ParseContentLength(string value)
    {
        long? result = null;
        foreach (string part in value.Split(','))
        {
            string trimmed = part.Trim(' ', '\t');
            if (trimmed.Length is 0 or > 18 || !long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out long length))
            {
                return null;
            }

            if (result is { } previous && previous != length)
            {
                return null;
            }

            result = length;
        }

        return result;
    }

    private static string? ValidateFieldLine(HttpField field)
    {
        string name = field.Name;
        if (name.Length == 0)
        {
            return "empty field name";
        }

        for (int i = name[0] == ':' ? 1 : 0; i < name.Length; i++)
        {
            char c = name[i];
            if (c is >= 'A' and <= 'Z')
            {
                return $"field name '{name}' has uppercase characters";
            }

            if (!IsTokenChar(c))
            {
                return $"field name '{name}' has an invalid character 0x{(int)c:x2}";
            }
        }

        if (name.Length == 1 && name[0] == ':')
        {
            return "empty pseudo-header name";
        }

        string value = field.Value;
        foreach (char c in value)
        {
            if (c is '\0' or '\r' or '\n')
            {
                return $"field '{name}' has a NUL, CR or LF in its value";
            }
        }

        if (value.Length > 0 && (value[0] is ' ' or '\t' || value[^1] is ' ' or '\t'))
        {
            return $"field '{name}' has leading or trailing whitespace in its value";
        }

        // §4.2: connection-specific fields are malformed; TE may only say "trailers".
        switch (name)
        {
            case "connection":
            case "keep-alive":
            case "proxy-connection":
            case "transfer-encoding":
            case "upgrade":
                return $"connection-specific field '{name}'";
            case "te" when !string.Equals(value, "trailers", StringComparison.Ordinal):
                return "te other than 'trailers'";
            default:
                return null;
        }
    }

    /// <summary>RFC 9110 §5.6.2 tchar.</summary>
    private static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}

/// <summary>The control data of a request (RFC 9114 §4.3.1) and all its header fields.</summary>
internal readonly record struct H3Request(string Method, string Scheme, string Authority, string Path, IReadOnlyList<HttpField> Fields);
