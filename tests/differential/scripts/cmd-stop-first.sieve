# stop before any action: the implicit keep stays in force.
stop;
discard;
