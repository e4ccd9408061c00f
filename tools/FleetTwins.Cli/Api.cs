using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FleetTwins.Cli;

/// <summary>The FleetTwins HTTP API at <c>--url</c> (or <c>FLEETTWINS_URL</c>), with <c>--key</c> (or <c>FLEETTWINS_API_KEY</c>).</summary>
public sealed class Api : IDisposable
{
    private readonly HttpClient http;

    public Api(string url, string? key, TimeSpan? timeout = null)
    {
        http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        if (!string.IsNullOrEmpty(key))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
    }

    public HttpClient Http => http;

    public async Task<JsonNode> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(path.TrimStart('/'), cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    public async Task<JsonNode> PostAsync(string path, object? body, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync(path.TrimStart('/'), body, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    public async Task<JsonNode> DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        using var response = await http.DeleteAsync(path.TrimStart('/'), cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    public void Dispose() => http.Dispose();

    /// <summary>The JSON answer; a non-2xx answer becomes an <see cref="ApiException"/> with the server's problem detail.</summary>
    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            string? detail = null;
            try
            {
                var problem = JsonNode.Parse(text);
                detail = (problem?["detail"] ?? problem?["message"] ?? problem?["title"])?.GetValue<string>();
            }
            catch (JsonException)
            {
                // Not JSON: report the status alone.
            }

            throw new ApiException($"{(int)response.StatusCode} {response.ReasonPhrase}{(detail is null ? "" : $": {detail}")}");
        }

        return JsonNode.Parse(text) ?? new JsonObject();
    }
}

/// <summary>The server refused or failed: its status and reason, for the user.</summary>
public sealed class ApiException(string message) : Exception(message);
