#include "parse/config.hpp"
#include "parse/tests_def.hpp"

namespace sift::parse {

BOOST_SPIRIT_INSTANTIATE(test_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(test_list_type, iterator_type, context_type)

}  // namespace sift::parse
