using FleetTwins.Signatures;
using FleetTwins.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FleetTwins.Host.Tests.Infrastructure;

/// <summary>What the tests' own HTTP receivers (of commands, of notifications) share.</summary>
public static class LoopbackReceiver
{
    /// <summary>A minimal web app on a free loopback port (its base address: <paramref name="url"/>), not started yet.</summary>
    public static WebApplication Create(out string url)
    {
        url = $"http://127.0.0.1:{FreePorts.Next()}";
        // A content root of its own: the test output holds the host's appsettings.json, whose endpoints would win.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.CreateTempSubdirectory().FullName });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        return builder.Build();
    }

    /// <summary>The request's body, and whether its Standard Webhooks signature holds.</summary>
    public static async Task<(SvixVerification Check, byte[] Body)> ReadSignedAsync(HttpContext context, SvixVerifier verifier)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var headers = new SvixHeaders(context.Request.Headers["webhook-id"], context.Request.Headers["webhook-timestamp"], context.Request.Headers["webhook-signature"]);
        return (verifier.Verify(headers, body, DateTimeOffset.UtcNow), body);
    }
}
