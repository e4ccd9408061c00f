global using Orleans.Runtime;
global using Orleans.Streams;
