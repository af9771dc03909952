require "ihave";
if ihave "variables" { discard; }
