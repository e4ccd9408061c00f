// fleettwins — the FleetTwins command-line client (a dotnet tool).
using FleetTwins.Cli;

return await Verbs.InvokeAsync(args);
