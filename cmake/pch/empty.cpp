// The source of the precompiled-header donors (cmake/PapayaPch.cmake): they compile no code.
