"""The discrete-event simulator (SimPy): engine, random streams, statistics, replications."""
