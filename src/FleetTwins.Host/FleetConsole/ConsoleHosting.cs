using Microsoft.Extensions.FileProviders;

namespace FleetTwins.Host.FleetConsole;

/// <summary>
/// The fleet console at <c>/console/</c>: the page built from <c>src/FleetTwins.Console</c> and copied next to the
/// host's binaries as <c>console/</c> by its build. The page itself is public (it holds no data); every API call it
/// makes carries the operator's key, or is a loopback call when no key is configured.
/// </summary>
public static class ConsoleHosting
{
    public static WebApplication UseFleetTwinsConsole(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "console");
        if (!Directory.Exists(root))
        {
            app.Logger.LogWarning("The fleet console was not built ({Root} is missing): build the host with Node.js installed", root);
            return app;
        }

        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { RequestPath = "/console", FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = "/console",
            FileProvider = files,
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl =
                context.File.Name == "index.html" ? "no-cache" : "public, max-age=31536000, immutable",
        });
        return app;
    }
}
