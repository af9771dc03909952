if { discard; }
