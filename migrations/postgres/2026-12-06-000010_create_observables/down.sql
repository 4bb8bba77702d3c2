DROP TABLE observables;
