-- The schema registry keeps its schemas in its own database beside the projections'.
CREATE DATABASE registry;
