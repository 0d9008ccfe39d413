"""The jury: council members and the assignment of jurors to dossiers."""
