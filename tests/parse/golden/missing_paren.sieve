if allof (header :is "to" "me",
          size :under 1M {
    keep;
}
