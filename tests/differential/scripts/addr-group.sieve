require "fileinto";
# Members of the group "friends:" and the address after the group.
if allof (address :is "Cc" "dave@example.org",
          address :is "Cc" "frank@example.com",
          address :localpart :is "Cc" "eve") { fileinto "Group"; }
