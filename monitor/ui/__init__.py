"""The Qt desktop window. Talks to the service only through ServiceApi and the signal hub."""
