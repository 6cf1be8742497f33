"""Neural-net playground: datasets, a live-trained MLP, its insides, digits and figures."""
