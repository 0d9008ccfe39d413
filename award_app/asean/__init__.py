"""To ASEAN and back: the English supplement of each ASEAN nominee, the package sent to ASEAN, and ASEAN's result."""
