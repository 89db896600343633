# package.cmake: `cmake --install build --prefix P` and `cpack -G DEB` (GitHub issue 13).
#   P/bin/ipistorm, P/bin/ipistorm-bench, P/bin/lab-run
#   P/${IPISTORM_PYTHON_INSTALL_DIR}/ipistorm/   the Python package for /usr/bin/python3
#   P/share/man/man1/{ipistorm,ipistorm-SUBCOMMAND,ipistorm-bench,lab-run}.1.gz  (help2man)
#   P/share/doc/ipistorm/                        README files, docs/, copyright
# The .deb (cpack in the build directory) installs under /usr and depends on
# Debian runtime packages only (dpkg-shlibdeps for the binaries, plus the
# Python and lab-run dependencies below): `apt install ./ipistorm_*.deb`.
# packaging/test_deb.sh (CTest: package_deb) builds it, installs it with
# apt-get, runs the installed programs and removes it again.
include(GNUInstallDirs)

# Debian's /usr/bin/python3 reads <prefix>/lib/python3/dist-packages for the
# prefix /usr (the .deb); under another prefix P, PYTHONPATH=P/<this dir>.
set(IPISTORM_PYTHON_INSTALL_DIR "lib/python3/dist-packages" CACHE STRING
    "where the Python package goes, relative to the install prefix")

install(TARGETS ipistorm RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET ipistorm-bench)
  install(TARGETS ipistorm-bench RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(PROGRAMS ${CMAKE_SOURCE_DIR}/bench/lab-run DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
if(TARGET _ipistorm)
  install(TARGETS _ipistorm LIBRARY DESTINATION ${IPISTORM_PYTHON_INSTALL_DIR}/ipistorm)
  # Every pure-Python module of the package (new ones included without a list here).
  install(DIRECTORY ${CMAKE_SOURCE_DIR}/pybindings/ipistorm/
          DESTINATION ${IPISTORM_PYTHON_INSTALL_DIR}/ipistorm
          FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
endif()
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/packaging/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The pages README.md links (docs/model.md, ...), the report's copy among them.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CMAKE_SOURCE_DIR}/bench/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR}
        RENAME README.bench.md)
install(FILES ${CMAKE_SOURCE_DIR}/pybindings/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR}
        RENAME README.python.md)

# ---- man pages: help2man over each program's --help, at build time --------
option(IPISTORM_MANPAGES "Generate man pages with help2man (Debian package help2man)" ON)
# The ipistorm page includes `ipistorm sensitivity --help`, which the Python
# package prints: without the module (IPISTORM_BUILD_PYTHON=OFF, e.g. the
# sanitizer build of scripts/test.sh) there is no page to generate.
if(IPISTORM_MANPAGES AND NOT IPISTORM_BUILD_PYTHON)
  message(STATUS "man pages: off (they need the Python module: IPISTORM_BUILD_PYTHON=ON)")
  set(IPISTORM_MANPAGES OFF)
endif()
if(IPISTORM_MANPAGES)
  find_program(HELP2MAN help2man)
  if(NOT HELP2MAN)
    message(FATAL_ERROR "help2man not found: install it (scripts/setup.sh) or "
                        "configure with -DIPISTORM_MANPAGES=OFF")
  endif()
  # packaging/manpage.py: help2man over each --help, with the examples, the
  # exit status and the name lists as sections of their own (80 columns);
  # ipistorm gets one page per subcommand besides (ipistorm-simulate.1, ...),
  # as git and perf do.
  set(IPISTORM_MAN_DIR ${CMAKE_BINARY_DIR}/man)
  set(man_script ${CMAKE_SOURCE_DIR}/packaging/manpage.py)
  set(man_python ${Python_EXECUTABLE})  # set by pybindings/ when given on the command line
  if(NOT man_python)
    set(man_python /usr/bin/python3)
  endif()
  set(man_cmd ${man_python} ${man_script} --help2man ${HELP2MAN}
              --version ${PROJECT_VERSION})
  set(man_pages ${IPISTORM_MAN_DIR}/ipistorm.1.gz)
  set(see_also_bench "")
  if(TARGET ipistorm-bench)
    set(see_also_bench ", ipistorm-bench(1), lab-run(1)")
  endif()
  add_custom_command(
    OUTPUT ${IPISTORM_MAN_DIR}/ipistorm.1.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${IPISTORM_MAN_DIR}
    COMMAND ${man_cmd} --name ipistorm --subcommands
            "--description=simulate the Xen pvops dom0 mlock IPI storm"
            "--see-also=ipistorm-SUBCOMMAND(1) for each subcommand above${see_also_bench}; /usr/share/doc/ipistorm/"
            --out ${IPISTORM_MAN_DIR}/ipistorm.1 -- $<TARGET_FILE:ipistorm>
    # 'ipistorm sensitivity --help' is printed by the Python module: the pages
    # wait for it (a parallel build raced it and failed).
    DEPENDS ipistorm _ipistorm ${man_script}
    COMMENT "Man pages ipistorm.1 and ipistorm-SUBCOMMAND.1 (help2man)"
    VERBATIM)
  if(TARGET ipistorm-bench)
    list(APPEND man_pages ${IPISTORM_MAN_DIR}/ipistorm-bench.1.gz ${IPISTORM_MAN_DIR}/lab-run.1.gz)
    add_custom_command(
      OUTPUT ${IPISTORM_MAN_DIR}/ipistorm-bench.1.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${IPISTORM_MAN_DIR}
      COMMAND ${man_cmd} --name ipistorm-bench
              "--description=benchmark hypercall-buffer strategies and IPI fan-out on real hardware"
              "--see-also=lab-run(1), ipistorm(1); /usr/share/doc/ipistorm/README.bench.md"
              --out ${IPISTORM_MAN_DIR}/ipistorm-bench.1 -- $<TARGET_FILE:ipistorm-bench>
      DEPENDS ipistorm-bench ${man_script}
      COMMENT "Man page ipistorm-bench.1 (help2man)"
      VERBATIM)
    add_custom_command(
      OUTPUT ${IPISTORM_MAN_DIR}/lab-run.1.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${IPISTORM_MAN_DIR}
      COMMAND ${man_cmd} --name lab-run
              "--description=record a lab run of ipistorm-bench and calibrate the simulator"
              "--see-also=ipistorm-bench(1), ipistorm-calibrate(1), ipistorm-validate(1)"
              --out ${IPISTORM_MAN_DIR}/lab-run.1 -- ${CMAKE_SOURCE_DIR}/bench/lab-run
      DEPENDS ${CMAKE_SOURCE_DIR}/bench/lab-run ${man_script}
      COMMENT "Man page lab-run.1 (help2man)"
      VERBATIM)
  endif()
  add_custom_target(ipistorm_manpages ALL DEPENDS ${man_pages})
  # Every page of the directory: the per-subcommand pages are named by the
  # program at build time.
  install(DIRECTORY ${IPISTORM_MAN_DIR}/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
          FILES_MATCHING PATTERN "*.1.gz")
  if(IPISTORM_BUILD_TESTS)
    add_test(NAME man_pages COMMAND bash ${CMAKE_SOURCE_DIR}/packaging/test_manpages.sh
                                    ${IPISTORM_MAN_DIR})
  endif()
endif()

# ---- cpack -G DEB --------------------------------------------------------
set(CPACK_PACKAGE_NAME ipistorm)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "ipistorm developers <ipistorm-dev@lists.example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "simulator and benchmarks of the Xen pvops dom0 mlock/lru_add_drain_all IPI storm")
set(CPACK_PACKAGE_DESCRIPTION
    "ipistorm simulates the 2009 Xen pvops dom0 IPI storm (mlock -> lru_add_drain_all);\n\
ipistorm-bench and lab-run measure the same strategies on a real machine.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # ipistorm_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
# The shared libraries the binaries and the extension link (libhwloc15,
# libnuma1, libbenchmark1debian, libstdc++6, libc6) come from dpkg-shlibdeps;
# the rest are what the Python package imports and lab-run calls.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The extension is built for one CPython (_ipistorm.cpython-3XY-*.so): that
# Python and no other.
set(ipistorm_python_dep "python3")
if(TARGET _ipistorm)
  find_package(Python COMPONENTS Interpreter QUIET)
  if(Python_VERSION_MAJOR AND Python_VERSION_MINOR)
    math(EXPR next_minor "${Python_VERSION_MINOR} + 1")
    set(ipistorm_python_dep "python3 (>= ${Python_VERSION_MAJOR}.${Python_VERSION_MINOR}), \
python3 (<< ${Python_VERSION_MAJOR}.${next_minor})")
  endif()
endif()
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "${ipistorm_python_dep}, python3-numpy, python3-pandas, hwloc-nox, util-linux")
# python3-openturns: 'ipistorm sensitivity' (and ipistorm.sensitivity) only.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
    "python3-openturns, numactl, python3-distributed, python3-matplotlib, man-db")
set(CPACK_GENERATOR DEB)
include(CPack)

if(IPISTORM_BUILD_TESTS AND TARGET ipistorm-bench AND TARGET _ipistorm AND IPISTORM_MANPAGES)
  add_test(NAME package_deb COMMAND bash ${CMAKE_SOURCE_DIR}/packaging/test_deb.sh ${CMAKE_BINARY_DIR})
  set_tests_properties(package_deb PROPERTIES TIMEOUT 900 LABELS package)  # a hang guard
endif()
