"""gridlink: a self-hostable server that speaks the Enode API."""
