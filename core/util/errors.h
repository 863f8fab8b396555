#pragma once

#include <stdexcept>
#include <string>

namespace nbaops {

// Bad input from the user (a flag, a date, a file). Its message is a sentence for the user.
class UsageError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// Something the user must act on (a database that cannot be opened, a registry that is wrong).
class OpsError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

} // namespace nbaops
